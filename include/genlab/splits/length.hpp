#ifndef GENLAB_SPLITS_LENGTH_HPP
#define GENLAB_SPLITS_LENGTH_HPP
// Length-generalization tasks (Zhou et al. 2023, "What Algorithms can Transformers Learn?", RASP-L;
// Awasthi & Gupta 2023, "Improving Length-Generalization in Transformers via Task Hinting").
//
// Every example is one core::Sequence
//     <bos> [<task_...>] prompt <sep> answer <eos>
// with loss_mask 0 on <bos>, the task token, the prompt and <sep>, and 1 on the answer and <eos>
// (Awasthi & Gupta's 0/1 mask; padding, added later, is 0). group = the example's length n.
//
// Tasks and what "length n" means (values are numeral tokens "0".."V-1"):
//   sort       x1..xn  -> the xi ascending                       (repeats on/off)
//   copy       x1..xn  -> x1..xn                                 (repeats off = copy-unique)
//   reverse    x1..xn  -> xn..x1
//   count      a b     -> a a+1 .. b  with n = b-a+1 outputs      (Zhou's count, apple/ml-np-rasp)
//   mode       x1..xn  -> the most frequent value; inputs are drawn uniformly among those whose
//                         mode is unique (rejection), so the answer is never a tie-break
//   parity     bits b1..bn -> (b1+..+bn) mod 2
//   parity_scratchpad  bits -> running parities p1..pn (pn is the answer)   [format: ours]
//   addition   a + b = -> a+b; both operands have exactly n digits (no leading zero unless n=1),
//              most significant digit first, the sum without leading zeros
//   addition_reversed  same, every number least significant digit first
//   addition_index_hints(_reversed)  Zhou et al.'s index hints (apple/ml-np-rasp add.py):
//              L = n+1 (room for the carry), operands zero-padded to L digits,
//              prompt  h_o d0 h_{o+1} d1 .. + h_o e0 .. =   (digits most significant first),
//              answer  h_o s0 h_{o+1} s1 ..  (forward) or  h_{o+L-1} s_{L-1} .. h_o s0  (reversed),
//              hint symbols <h0>..<h{H-1}>, a random offset o in [0, H-L] per example so that
//              training sees every symbol; H defaults to the longest length + 1.
//
// Task hints (Awasthi & Gupta, "Improving Length-Generalization in Transformers via Task Hinting",
// arXiv 2310.00726: the hint tasks; the formats are ours, the names theirs). On the
// list tasks (sort, copy, reverse, mode) a training example is, with probability p_hint, one of
// these auxiliary tasks instead of the main one, chosen uniformly among those enabled, and marked
// by its own task token:
//   successor    x1..xn <sep> q  -> the element after q's first copy in sorted order (q itself
//                if q repeats), or <none> for the maximum.  all_positions form:
//                x1..xn <sep> x1 s(x1) .. xn s(xn), graded on the s(xi) only; the k-th copy of a
//                value maps to the k-th copy in sorted order and s is the next sorted element
//   predecessor  the mirror image (the element before q's last copy; <none> for the minimum)
//   count        x1..xn <sep> q  -> #{i : xi < q}  (q's rank)
//   fill         x1..xn <sep> z1..zn <sep> -> the blanked values in order, where z is the sorted
//                list with each position replaced by <blank> with probability fill_blank_probability
//                (at least one blank)
//   parity       x1..xn -> (x1 mod 2) .. (xn mod 2)
// Test sets always hold the main task only.
//
// Vocabulary, in id order: <pad> <bos> <eos> <sep>; the task tokens <task_TASK> then
// <hint_HINT> for the enabled hints (only with task_token = true); <none> and <blank> when a hint
// needs them; the numerals "0".."N-1"; then "+" "=" and the hint symbols for addition. N is
// num_values (2 for parity, 10 for addition), raised to the longest training length when the
// count hint needs ranks that large.

//
// The parts, each in its own header (include this one for all of them):
//   genlab/splits/length/config.hpp     LengthTask, HintTask, HintConfig, LengthTaskConfig (validate, JSON)
//   genlab/splits/length/generator.hpp  LengthTaskGenerator, LengthTaskTokens, make_length_dataset
//   genlab/splits/length/packing.hpp    PackingConfig, pack_sequences (RASP-L packing)

#include "genlab/splits/length/config.hpp"
#include "genlab/splits/length/generator.hpp"
#include "genlab/splits/length/packing.hpp"

#endif  // GENLAB_SPLITS_LENGTH_HPP
