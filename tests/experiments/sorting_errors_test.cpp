// First-mistake classification of greedy sorts: hand-made cases for each kind, and agreement of
// the counted exact match with nn::greedy_accuracy on a trained toy model.
#include <catch2/catch.hpp>

#include "genlab/experiments/sorting_errors.hpp"
#include "genlab/nn/trainer.hpp"
#include "genlab/splits/length.hpp"

using namespace genlab;
using experiments::SortingError;
using experiments::classify_sorting_error;

namespace {
// Values 0..9 are tokens 10..19; <eos> is 2.
std::vector<core::Token> answer(std::initializer_list<int> values) {
  std::vector<core::Token> t;
  for (int v : values) t.push_back(v < 0 ? core::Token{2} : static_cast<core::Token>(10 + v));
  return t;
}
SortingError kind(std::initializer_list<int> truth, std::initializer_list<int> got) {
  return classify_sorting_error(answer(truth), answer(got), 10, 10);
}
}  // namespace

TEST_CASE("first mistakes of a greedy sort are classified by kind", "[experiments][sorting_errors]") {
  CHECK(kind({1, 3, 3, 7, -1}, {1, 3, 3, 7, -1}) == SortingError::none);
  CHECK(kind({1, 3, 3, 7, -1}, {1, 3, 7, 9, -1}) == SortingError::missed_copy);    // moved on after one 3
  CHECK(kind({1, 3, 7, 8, -1}, {1, 3, 3, 7, -1}) == SortingError::extra_copy);     // a second 3
  CHECK(kind({1, 3, 7, 8, -1}, {1, 3, 8, 8, -1}) == SortingError::skipped_value);  // jumped over 7
  CHECK(kind({1, 3, 7, 8, -1}, {0, 1, 3, 7, -1}) == SortingError::other);          // smaller value first
  CHECK(kind({1, 3, 7, 8, -1}, {1, 3, 7, -1, -1}) == SortingError::other);         // <eos> too early
  CHECK(kind({1, 3, 7, 8, -1}, {1, 3, 7, 8, 9}) == SortingError::other);           // <eos> too late
  CHECK(kind({4, -1}, {6, -1}) == SortingError::skipped_value);                    // at the first position
  // Copies come before values: truth repeats 3, the model jumps to 7 -> missed copy, not a skip.
  CHECK(kind({3, 3, 7, -1}, {3, 7, 7, -1}) == SortingError::missed_copy);
  CHECK(classify_sorting_error(answer({1, 2}), answer({1}), 10, 10) == SortingError::other);  // lengths differ
  CHECK(classify_sorting_error(answer({1, 2}), {10, 25}, 10, 10) == SortingError::other);     // 25 is not a value

  experiments::SortingErrorCounts c;
  for (auto e : {SortingError::none, SortingError::none, SortingError::missed_copy, SortingError::skipped_value})
    c.add(e);
  CHECK(c.lists == 4);
  CHECK(c.exact == 2);
  CHECK(c.exact_match() == Approx(0.5));
  CHECK(c.missed_copy + c.extra_copy + c.skipped_value + c.other == c.lists - c.exact);
}

TEST_CASE("counted exact match equals greedy_accuracy on a trained toy sorter", "[experiments][sorting_errors]") {
  splits::LengthTaskConfig task;
  task.task = splits::LengthTask::sort;
  task.num_values = 6;
  task.train_min_length = 1;
  task.train_max_length = 4;
  task.test_lengths = {};
  task.train_size = 300;
  task.id_test_size = 0;
  task.test_size_per_length = 0;
  const auto ds = splits::make_length_dataset(task);
  const splits::LengthTaskGenerator gen(task);
  nn::ModelConfig mc;
  mc.vocab_size = static_cast<std::int64_t>(ds.vocab().size());
  mc.n_layers = 1, mc.d_model = 16, mc.n_heads = 2, mc.d_mlp = 32, mc.max_seq_len = 24;
  mc.positions = nn::Positions::none;
  nn::Transformer<double> model(mc, 3);
  nn::AdamWConfig oc;
  oc.lr = 3e-3;
  oc.weight_decay = 0;
  nn::TrainConfig tc;
  tc.steps = 60;
  tc.batch_size = 16;
  tc.progress = false;
  nn::Trainer<double> trainer(model, oc, tc);
  trainer.train(ds.split("train"));
  nn::Workspace<double> ws;
  std::size_t wrong = 0;
  for (std::size_t n = 1; n <= 8; ++n) {
    std::vector<core::Sequence> lists;
    for (std::uint64_t i = 0; i < 12; ++i) lists.push_back(gen.example(n, 9, i));
    const auto c = experiments::sorting_errors(model, lists, gen.numeral(0), task.num_values, ws);
    CHECK(c.lists == lists.size());
    CHECK(c.exact_match() == nn::greedy_accuracy(model, lists, ws).exact_match);
    CHECK(c.missed_copy + c.extra_copy + c.skipped_value + c.other == c.lists - c.exact);
    wrong += c.lists - c.exact;
  }
  CHECK(wrong > 0);  // an undertrained model beyond its lengths: the classification was exercised
}
