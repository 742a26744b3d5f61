// P1 (ICML 2023) model-agnostic inductive bias complexity: identities V1, toy cases V2/V3, the
// reference table (V4-V6: the benchmark, RL and Omniglot rows of Boopathy et al., "Model-agnostic
// Measure of Generalization Difficulty", ICML 2023, recomputed from task_difficulty.py's inputs), and bad input. The 17-digit
// expectations come from an independent 50-digit mpmath recomputation (tests/bias/p1_reference.py);
// the spec's rounded table values are checked at their printed precision as well.
#include <catch2/catch.hpp>

#include "test_util.hpp"

#include <cmath>

#include "genlab/bias/complexity.hpp"

using namespace genlab::bias;

namespace {
using namespace biastest;
}  // namespace

TEST_CASE("V1 harmonic counting identities") {
  CHECK(std::exp(log_harmonic_count(1, 3)) == Approx(7).epsilon(1e-13));
  CHECK(std::exp(log_harmonic_count(2, 3)) == Approx(16).epsilon(1e-13));
  CHECK(harmonic_degree(1, 5) == Approx(5).epsilon(1e-15));
  CHECK(harmonic_degree(2, std::sqrt(12.0)) == Approx(3).epsilon(1e-15));
  CHECK(std::exp(log_harmonic_count(2, 1.5615528128088303)) == Approx(6.5615528128088).epsilon(1e-12));
  for (double K : {0.25, 1.0, 2.5, 17.0}) {
    CHECK(std::exp(log_harmonic_count(1, K)) == Approx(2 * K + 1).epsilon(1e-12));
    CHECK(std::exp(log_harmonic_count(2, K)) == Approx((K + 1) * (K + 1)).epsilon(1e-12));
  }
  // |S^1| = 2π, |S^2| = 4π.
  CHECK(std::exp(log_unit_sphere_area(1)) == Approx(2 * detail::kPi).epsilon(1e-14));
  CHECK(std::exp(log_unit_sphere_area(2)) == Approx(4 * detail::kPi).epsilon(1e-14));
}

TEST_CASE("V2 and V3 toy cases with intermediates") {
  ComplexityInputs a;
  a.error = 0.1; a.n = 10; a.m = 2; a.radius = 1; a.discrete_combinations = 2;
  a.resolution = detail::kPi; a.output_dim = 1; a.output_bound = 1;
  const auto r = inductive_bias_complexity(a);
  CHECK(rel_close(r.max_frequency, 2, 1e-14));
  CHECK(rel_close(r.harmonic_degree, 1.5615528128088303, 1e-14));
  CHECK(rel_close(r.E, 6.561552812808833, 1e-12));
  CHECK(rel_close(r.lipschitz, 1.5615528128088303, 1e-14));
  CHECK(rel_close(r.wasserstein, 0.9152912328637691, 1e-12));
  CHECK(rel_close(r.dim_theta, 26.246211251235334, 1e-12));
  CHECK(rel_close(r.dim_theta_q, 16.246211251235334, 1e-12));
  CHECK(rel_close(r.log_term_bits, 4.337212224958686, 1e-12));
  CHECK(rel_close(r.bits, 70.46326604811925, 1e-11));
  CHECK(rel_close(r.nats(), 70.46326604811925 * detail::kLn2, 1e-11));
  CHECK(rel_close(r.log10_bits, std::log10(70.46326604811925), 1e-12));

  ComplexityInputs b;
  b.error = 0.05; b.n = 100; b.m = 3; b.radius = 2; b.discrete_combinations = 3;
  b.resolution = 0.5; b.output_dim = 2; b.output_bound = 1;
  const auto s = inductive_bias_complexity(b);
  CHECK(rel_close(s.max_frequency, 25.132741228718345, 1e-14));
  CHECK(rel_close(s.harmonic_degree, 24.15262772892166, 1e-14));
  CHECK(rel_close(s.E, 5624.8286751222695, 1e-11));
  CHECK(rel_close(s.wasserstein, 1.1875867124360806, 1e-12));
  CHECK(rel_close(s.dim_theta_q, 67297.94410146723, 1e-11));
  CHECK(rel_close(s.log_term_bits, 9.956550454988266, 1e-12));
  CHECK(rel_close(s.bits, 670055.3759632384, 1e-11));
}

TEST_CASE("V4 P1 benchmark table (classification form)") {
  struct Row { double eps, n, m, R, k, delta, M, K, E, Lf, W, dq, lt, bits, spec_bits; };
  // mpmath values (p1_reference.py) and the spec's rounded Ĩ column.
  const Row rows[] = {
      {0.001, 60000, 14, 17.179045827183984, 10, 2.3987084824335305, 44.998852141974798, 38.965884947895932,
       4129560568098.1844, 6.8046651728881175, 15.967177146785079, 743320901717673.2, 19.975272382418594,
       14848037479355523.0, 1.484804e16},
      {0.01, 73257, 19, 53.86932485133339, 10, 1.5766998174969105, 214.67050776407243, 205.85908615575159,
       3.4975713013833921e+27, 11.464358615438788, 57.957814489860429, 6.2956283424901057e+29,
       19.26579776578818, 1.2129030245497862e+31, 1.212903e31},
      {0.01, 50000, 27, 54.9156786783691, 10, 2.7506414616587023, 125.44178883919441, 113.11360904825871,
       1.0259937456106565e+29, 6.1793068083931393, 68.46731150039125, 1.8467887420991817e+31,
       18.61457120258054, 3.4377180535929368e+32, 3.437718e32},
      {0.1, 1280901, 48, 943.5923, 1000, 65, 91.211773466581426, 70.690432735596705, 7.1844196775850764e+33,
       2.3678762202963298, 1381.5209212964905, 1.4354470515814983e+40, 24.962626032469358,
       3.5832527938039695e+41, 3.583253e41},
  };
  for (const Row& w : rows) {
    ClassificationTask t;
    t.error = w.eps, t.n = w.n, t.m = w.m, t.radius = w.R, t.classes = w.k, t.resolution = w.delta;
    const auto r = classification_complexity(t);
    INFO("m = " << w.m);
    CHECK(r.form == "classification");
    CHECK(rel_close(r.max_frequency, w.M, 1e-13));
    CHECK(rel_close(r.harmonic_degree, w.K, 1e-13));
    CHECK(rel_close(r.E, w.E, 1e-10));
    CHECK(rel_close(r.lipschitz, w.Lf, 1e-13));
    CHECK(rel_close(r.wasserstein, w.W, 1e-12));
    CHECK(rel_close(r.dim_theta_q, w.dq, 1e-10));
    CHECK(rel_close(r.log_term_bits, w.lt, 1e-12));
    CHECK(rel_close(r.bits, w.bits, 1e-10));
    CHECK(rel_close(r.bits, w.spec_bits, 1e-6));  // the spec's 7-digit table
  }
}

TEST_CASE("K-flooring negative control moves MNIST to 1.0988e16") {
  ComplexityInputs in;
  in.error = 0.001; in.n = 60000; in.m = 14; in.radius = 17.179045827183984;
  in.discrete_combinations = 10; in.resolution = 2.3987084824335305; in.output_dim = 9;
  const double real_k = inductive_bias_complexity(in).bits;
  in.floor_harmonic_degree = true;
  const auto floored = inductive_bias_complexity(in);
  CHECK(floored.harmonic_degree == 38);
  CHECK(rel_close(floored.bits, 10988437082170135.0, 1e-10));
  CHECK(!rel_close(floored.bits, real_k, 0.2));
}

TEST_CASE("V5 RL rows: cartpole T=1..5 and MuJoCo") {
  const double cart[] = {4414675128.0881254, 3.3256607998758149e+17, 1.4639013134073889e+25,
                         4.6890991332384577e+32, 1.1872522946196595e+40};
  const double cart_spec[] = {4.4147e9, 3.3257e17, 1.4639e25, 4.6891e32, 1.1873e40};
  for (int T = 1; T <= 5; ++T) {
    const auto r = cartpole_complexity(T);
    CHECK(rel_close(r.bits, cart[T - 1], 1e-10));
    CHECK(rel_close(r.bits, cart_spec[T - 1], 5e-5));  // spec prints 5 digits
    // Same as the MuJoCo formula with m = 2T, D = 1, n = 1e4.
    RlTask rl;
    rl.error = 1e-3, rl.n = 1e4, rl.m = 2 * T, rl.action_dim = 1, rl.resolution = 1e-3;
    CHECK(rel_close(r.bits, rl_complexity(rl).bits, 1e-12));
    // Closed form of the spec: (2(2π/δ)^{2T}π^T/Γ(T+1) − n)·[log2(4π²/√3) + ½log2 T − log2 δ − log2(n)/(2T) − log2 ε].
    const double pi = detail::kPi, d = 1e-3, n = 1e4;
    const double lead = 2 * std::pow(2 * pi / d, 2 * T) * std::pow(pi, T) / std::tgamma(T + 1.0) - n;
    const double lt = std::log2(4 * pi * pi / std::sqrt(3.0)) + 0.5 * std::log2(T) - std::log2(d) -
                      std::log2(n) / (2 * T) - std::log2(1e-3);
    CHECK(rel_close(r.bits, lead * lt, 1e-12));
  }
  const auto mujoco = [](double m, double action_dim) {
    RlTask t;  // defaults: ε = δ = 1e-3, n = 1e6
    t.m = m, t.action_dim = action_dim;
    return t;
  };
  CHECK(rel_close(rl_complexity(mujoco(6, 2)).bits, 2.9141544325979252e+25, 1e-10));   // Reacher
  CHECK(rel_close(rl_complexity(mujoco(15, 4)).bits, 7.6130112212490558e+58, 1e-10));  // Hopper
  CHECK(rel_close(rl_complexity(mujoco(17, 6)).bits, 1.7183989133177713e+66, 1e-10));  // Half-Cheetah
  // Reacher vs ε (spec table, 5 digits).
  const double eps[] = {0.1, 0.01, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8};
  const double reacher[] = {2.0692e25, 2.4917e25, 2.9142e25, 3.3367e25, 3.7592e25, 4.1817e25, 4.6042e25, 5.0267e25};
  for (int i = 0; i < 8; ++i) {
    RlTask t = mujoco(6, 2);
    t.error = eps[i];
    CHECK(rel_close(rl_complexity(t).bits, reacher[i], 5e-5));
  }
}

TEST_CASE("V6 Omniglot 20-way 1-shot meta-learning form") {
  FewShotInputs f;
  f.n = 6.98e40;
  const auto r = few_shot_complexity(f);
  CHECK(rel_close(r.inputs.output_dim, 7.938327617552855e+20, 1e-10));
  CHECK(rel_close(r.max_frequency, 253.46507632181663, 1e-13));
  CHECK(rel_close(r.harmonic_degree, 114.59968144953029, 1e-13));
  CHECK(rel_close(r.E, 1.2859159188470391e+122, 1e-9));
  CHECK(rel_close(r.dim_theta, 2.0416043704868613e+143, 1e-9));
  CHECK(rel_close(r.bits, 1.7894425126726937e+145, 1e-9));
  CHECK(rel_close(r.bits, 1.78944e145, 3e-6));  // spec, 6 digits
  // n barely matters (only through n^{-1/447}); the spec's "within 0.3%" is really 0.35% at n = 1.
  f.n = 1;
  CHECK(rel_close(few_shot_complexity(f).bits, 1.7956395058997106e+145, 1e-9));
  CHECK(rel_close(few_shot_complexity(f).bits, r.bits, 4e-3));
  f.n = 1e30;
  CHECK(rel_close(few_shot_complexity(f).bits, 1.7910877858212105e+145, 1e-9));
  CHECK(rel_close(few_shot_complexity(f).bits, r.bits, 4e-3));
  // Task count: one alphabet of 20 characters and 20 drawers has exactly 20^20 tasks.
  CHECK(rel_close(log_few_shot_task_count({20}), 20 * std::log(20.0), 1e-14));
  CHECK(rel_close(log_few_shot_task_count({21, 5}), std::log(21 * std::pow(20.0, 20) + std::pow(20.0, 20)), 1e-14));
}

TEST_CASE("Task union equals the general form with the reference's arguments") {
  ClassificationTask a, b;
  a.error = 0.01; a.n = 1000; a.m = 5; a.radius = 3; a.classes = 10; a.resolution = 1.5;
  b.error = 0.2; b.n = 50; b.m = 4; b.radius = 4; b.classes = 3; b.resolution = 0.5;
  TaskUnion ab;
  ab.primary = a;
  ab.secondary = b;
  const auto u = task_union_complexity(ab);
  ComplexityInputs in;
  in.error = 0.01; in.n = 50000; in.m = 9; in.radius = 5; in.discrete_combinations = 30;
  in.resolution = 1.5; in.output_dim = 10; in.output_bound = 1;
  CHECK(u.bits == inductive_bias_complexity(in).bits);
  CHECK(u.form == "union");
  CHECK(u.to_json()["inputs"]["output_dim"] == 10.0);
  // The primary task alone sets ε, δ and D: swapping the roles changes all three.
  TaskUnion ba;
  ba.primary = b;
  ba.secondary = a;
  const auto v = task_union_complexity(ba);
  CHECK(v.inputs.error == 0.2);
  CHECK(v.inputs.resolution == 0.5);
  CHECK(v.inputs.output_dim == 3.0);
  CHECK(v.inputs.n == u.inputs.n);
  CHECK(v.inputs.discrete_combinations == u.inputs.discrete_combinations);
  CHECK(v.bits != u.bits);
  // The secondary task's ε and δ are unused, but still validated.
  ab.secondary.error = 123;
  ab.secondary.resolution = 7;
  CHECK(task_union_complexity(ab).bits == u.bits);
  ab.secondary.classes = 1;
  CHECK_THROWS_WITH(task_union_complexity(ab), Catch::Contains("'secondary.classes' = 1"));
  ab.secondary.classes = 3;
  ab.primary.resolution = 0;
  CHECK_THROWS_WITH(task_union_complexity(ab), Catch::Contains("'primary.resolution' = 0"));
}

TEST_CASE("Scaling: linear in −log2 ε, log fields finite past double range") {
  ClassificationTask mnist;
  mnist.error = 0.1, mnist.n = 60000, mnist.m = 14, mnist.radius = 17.179045827183984, mnist.classes = 10;
  mnist.resolution = 2.3987084824335305;
  const auto a = classification_complexity(mnist);
  mnist.error = 0.05;
  const auto b = classification_complexity(mnist);
  CHECK(rel_close(b.bits - a.bits, a.dim_theta_q, 1e-9));  // halving ε adds one bit per dimension
  ComplexityInputs big;
  big.error = 1e-3; big.n = 10; big.m = 400; big.radius = 1e6; big.resolution = 1e-3; big.output_dim = 1e50;
  const auto r = inductive_bias_complexity(big);
  CHECK(std::isinf(r.bits));
  CHECK(std::isfinite(r.log10_bits));
  CHECK(r.log10_bits > 308);
}

TEST_CASE("Bad P1 input throws with a clear message") {
  ComplexityInputs in;
  in.error = 0;
  CHECK_THROWS_WITH(inductive_bias_complexity(in), Catch::Contains("'error' = 0"));
  in.error = 0.1;
  in.n = -1;
  CHECK_THROWS_WITH(inductive_bias_complexity(in), Catch::Contains("'n'"));
  in.n = 10;
  in.m = 0.5;
  CHECK_THROWS_WITH(inductive_bias_complexity(in), Catch::Contains("'m' = 0.5"));
  in.m = std::nan("");
  CHECK_THROWS_AS(inductive_bias_complexity(in), std::invalid_argument);
  ClassificationTask t;
  t.classes = 1;
  CHECK_THROWS_WITH(classification_complexity(t), Catch::Contains("'classes' = 1"));
  t.classes = 2;
  t.resolution = -1;
  CHECK_THROWS_WITH(classification_complexity(t), Catch::Contains("'resolution' = -1"));
  t.resolution = 1;
  t.m = std::nan("");
  CHECK_THROWS_WITH(classification_complexity(t), Catch::Contains("'m'"));
  RlTask rl;
  rl.action_dim = 0.5;
  CHECK_THROWS_WITH(rl_complexity(rl), Catch::Contains("'action_dim' = 0.5"));
  CHECK_THROWS_AS(cartpole_complexity(0), std::invalid_argument);
}
