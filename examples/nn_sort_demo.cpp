// genlab::nn demo: minGPT's sorting task (6 digits over {0,1,2}) with a 2-layer pre-LN
// transformer, logged to CSV/JSONL, checkpointed (rerun to resume), decoded greedily with a KV
// cache, and probed (layer-0 attention of one example).
//
//   ./nn_sort_demo [out_dir]     (default: nn_sort_demo_out)
#include <algorithm>
#include <cstdio>
#include <string>

#include "cli.hpp"
#include "genlab/core/random.hpp"
#include "genlab/nn.hpp"

using namespace genlab;

static std::vector<core::Sequence> sort_task(std::uint64_t seed, int n) {
  auto g = core::philox_stream(seed, 0);
  std::vector<core::Sequence> out;
  for (int i = 0; i < n; ++i) {
    std::vector<core::Token> x(6);
    for (auto& t : x) t = static_cast<core::Token>(core::uniform_index(g, 3));
    std::vector<core::Token> y = x;
    std::sort(y.begin(), y.end());
    out.push_back(core::make_sequence(x, y));  // loss on the sorted half only
  }
  return out;
}

int main(int argc, char** argv) {
  namespace cli = genlab_examples::cli;
  CLI::App app("genlab::nn demo: minGPT's sorting task with a 2-layer transformer, logged, checkpointed (rerun to "
               "resume), decoded greedily and probed.",
               "nn_sort_demo");
  cli::configure(app);
  std::string out = "nn_sort_demo_out";
  app.add_option("out_dir", out, "output folder (log.csv, log.jsonl, checkpoint/)")->transform(cli::output_dir());
  if (const int rc = cli::parse(app, argc, argv); rc >= 0) return rc;
  try {
    const auto train = sort_task(1, 3000), test = sort_task(2, 500);

    nn::ModelConfig cfg;
    cfg.vocab_size = 3;
    cfg.max_seq_len = 11;
    cfg.n_layers = 2;
    cfg.d_model = 32;
    cfg.n_heads = 2;
    cfg.d_mlp = 64;
    cfg.norm = nn::Norm::pre;
    cfg.activation = nn::Activation::gelu;
    cfg.init_std = 0.02;
    nn::Transformer<float> model(cfg, /*seed=*/1);

    nn::AdamWConfig opt;
    opt.lr = 3e-3;
    opt.beta2 = 0.99;
    opt.weight_decay = 0.01;
    opt.warmup_steps = 20;
    nn::TrainConfig tc;
    tc.steps = 2000;
    tc.batch_size = 64;
    tc.eval_every = 100;
    tc.checkpoint_every = 500;
    tc.checkpoint_dir = out + "/checkpoint";
    tc.log_csv = out + "/log.csv";
    tc.log_jsonl = out + "/log.jsonl";
    tc.progress = true;
    nn::Trainer<float> trainer(model, opt, tc);
    trainer.add_eval("test", test);
    const nn::TrainResult r = trainer.train(train);

    nn::Workspace<float> ws;
    const nn::DecodeMetrics d = nn::greedy_accuracy(model, test, ws);
    std::printf("%lld updates in %.1f s, final train loss %.4g nats, greedy exact match %.3f\n",
                static_cast<long long>(r.steps), r.seconds, r.train_loss_nats.back(), d.exact_match);

    // The model's input is a sequence without its last token (nothing is predicted after it).
    const std::vector<core::Token> input(test[0].tokens.begin(), test[0].tokens.end() - 1);
    const auto acts = nn::run_with_activations(model, {input});
    std::printf("layer 0, head 0 attention of the first answer position (query 6):");
    for (int k = 0; k <= 6; ++k) std::printf(" %.2f", static_cast<double>(acts.attention(0, 0, 0, 6, k)));
    std::printf("\n");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "nn_sort_demo: error: %s\n", e.what());
    return 1;
  }
}
