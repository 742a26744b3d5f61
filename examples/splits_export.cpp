// Writes genlab's split generators' output to a folder, ready for the tiny transformer or any
// other framework:
//   <out>/scan/<split>/tasks_{train,test}.txt    the original SCAN "IN: ... OUT: ..." files
//   <out>/scan/<split>/{vocab,config}.json, {train,test}.jsonl
//   <out>/scan/mcd/...                          a greedy MCD split of SCAN (divergences in config.json)
//   <out>/length_<task>/...                     a length-generalization dataset (train <= 20, tests 25..100)
//   <out>/modular/...                           a+b mod 113, Nanda's format, 30% train
// and prints each dataset's sizes and fingerprint.
//
// Usage: splits_export [--out DIR] [--seed N] [--task sort|copy|...] [--hints] [--quick]
//   --hints   mix Awasthi & Gupta's successor hint into training (p = 0.5)
//   --quick   small sizes (a smoke run)
// Every dataset's config is built and validated before anything is written: exit 2 for a usage
// error (nothing written), 1 for a runtime error.

#include <genlab/splits.hpp>

#include <chrono>
#include <cstdio>
#include <string>

#include "cli.hpp"

namespace gs = genlab::splits;
namespace gc = genlab::core;
namespace cli = genlab_examples::cli;

namespace {
void report(const char* what, const gc::Dataset& ds) {
  std::printf("%-28s", what);
  for (const auto& [name, seqs] : ds.splits()) std::printf(" %s=%zu", name.c_str(), seqs.size());
  std::printf("  fingerprint %s\n", ds.config().value("fingerprint_fnv1a64", std::string("-")).c_str());
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Writes SCAN splits (the standard ones and a greedy MCD split), a length-generalization dataset "
               "and a modular-arithmetic dataset to a folder, and prints each dataset's sizes and fingerprint.",
               "splits_export");
  cli::configure(app);
  std::string out = "results/splits";
  std::uint64_t seed = 0;
  std::string task = "sort";
  bool hints = false, quick = false;
  std::vector<std::string> tasks;
  for (int i = 0; i <= static_cast<int>(gs::LengthTask::addition_index_hints_reversed); ++i)
    tasks.push_back(gs::to_string(static_cast<gs::LengthTask>(i)));
  app.add_option("--out", out, "output folder")->transform(cli::output_dir());
  app.add_option("--seed", seed, "seed of every generator (the MCD split uses seed + 1)")
      ->transform(cli::integer<std::uint64_t>());
  app.add_option("--task", task, "the length-generalization task (written to <out>/length_<task>)")
      ->transform(cli::one_of(tasks));
  app.add_flag("--hints", hints, "mix Awasthi & Gupta's successor hint into the length task's training (p = 0.5; "
                                 "list tasks only: sort, copy, reverse, mode)");
  app.add_flag("--quick", quick, "small sizes (a smoke run)");
  if (const int rc = cli::parse(app, argc, argv); rc >= 0) return rc;

  // Every config first, validated, before anything is written.
  const std::vector<const char*> scan_names = {"simple", "length", "addprim_jump", "addprim_turn_left",
                                               "template_around_right", "filler_num1"};
  gs::McdConfig mcd;
  mcd.train_size = quick ? 2000 : 8000;
  mcd.test_size = quick ? 500 : 2000;
  mcd.seed = seed + 1;
  gs::LengthTaskConfig lc;
  gs::ModularConfig modular;
  modular.p = 113;
  modular.seed = seed;
  try {
    lc.task = gs::length_task_from_string(task);
    if (lc.task == gs::LengthTask::count) lc.num_values = 128;
    if (hints) lc.hints.tasks = {gs::HintTask::successor};
    if (quick) lc.train_size = 1000, lc.test_size_per_length = 20;
    lc.seed = seed;
    lc.validate();
    modular.validate();
  } catch (const std::invalid_argument& e) {
    return cli::config_error(app, e, {{"hints.tasks", "--hints"}, {"task_token", "--hints"}, {"num_values", "--task"}});
  }

  try {
    const std::filesystem::path root(out);

    // SCAN: the standard splits in the original file format plus JSONL datasets.
    for (const char* name : scan_names) {
      const auto split = gs::scan_split(name, seed);
      const auto dir = root / "scan" / name;
      std::filesystem::create_directories(dir);
      gs::write_scan_file(dir / "tasks_train.txt", split.train);
      gs::write_scan_file(dir / "tasks_test.txt", split.test);
      const auto ds = gs::scan_dataset(split);
      gc::write_dataset(dir, ds);
      report((std::string("scan/") + name).c_str(), ds);
    }
    {
      const auto t0 = std::chrono::steady_clock::now();
      const auto split = gs::scan_mcd_split(mcd);
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const auto ds = gs::scan_dataset(split);
      const auto dir = root / "scan" / "mcd";
      std::filesystem::create_directories(dir);
      gs::write_scan_file(dir / "tasks_train.txt", split.train);
      gs::write_scan_file(dir / "tasks_test.txt", split.test);
      gc::write_dataset(dir, ds);
      report("scan/mcd", ds);
      std::printf("%-28s D_C = %.4f, D_A = %.4f in %.2f s\n", "", split.config.at("compound_divergence").get<double>(),
                  split.config.at("atom_divergence").get<double>(), secs);
    }

    // Length generalization.
    {
      const auto ds = gs::make_length_dataset(lc);
      gc::write_dataset(root / ("length_" + task), ds);
      report(("length_" + task).c_str(), ds);
    }

    // Modular arithmetic (Nanda et al.).
    {
      const auto ds = gs::make_modular_dataset(modular);
      gc::write_dataset(root / "modular", ds);
      report("modular", ds);
    }
    std::printf("written to %s\n", root.string().c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "splits_export: %s\n", e.what());
    return 1;
  }
}
