// Where an answer begins: prompt_length (the prompt a model continues) and answer_start (the
// graded suffix), the one place the rest of genlab asks.
#include <catch2/catch.hpp>

#include <string>

#include "genlab/core/sequence.hpp"

using genlab::core::Sequence;

TEST_CASE("prompt_length and answer_start", "[core][sequence]") {
  const auto seq = [](std::vector<std::uint8_t> mask) {
    Sequence s;
    s.tokens.assign(mask.size(), 1);
    s.loss_mask = std::move(mask);
    return s;
  };
  CHECK(genlab::core::prompt_length(seq({0, 0, 1, 1})) == 2);
  CHECK(genlab::core::answer_start(seq({0, 0, 1, 1})) == 2);
  // Interleaved grading (all-positions hints): the prompt ends at the first graded token, but
  // there is no graded suffix answer.
  CHECK(genlab::core::prompt_length(seq({0, 0, 1, 0, 1})) == 2);
  CHECK(genlab::core::answer_start(seq({0, 0, 1, 0, 1})) == std::string::npos);
  CHECK(genlab::core::prompt_length(seq({0, 0, 0})) == 3);  // nothing graded
  CHECK(genlab::core::answer_start(seq({0, 0, 0})) == std::string::npos);
  CHECK(genlab::core::answer_start(seq({1, 1})) == 0);  // all answer, empty prompt
  CHECK(genlab::core::prompt_length(Sequence{}) == 0);
}
