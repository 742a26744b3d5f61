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

#include <genlab/splits.hpp>

#include <chrono>
#include <cstdio>
#include <string>

namespace gs = genlab::splits;
namespace gc = genlab::core;

namespace {
void report(const char* what, const gc::Dataset& ds) {
  std::printf("%-28s", what);
  for (const auto& [name, seqs] : ds.splits()) std::printf(" %s=%zu", name.c_str(), seqs.size());
  std::printf("  fingerprint %s\n", ds.config().value("fingerprint_fnv1a64", std::string("-")).c_str());
}
}  // namespace

int main(int argc, char** argv) try {
  std::string out = "results/splits";
  std::uint64_t seed = 0;
  std::string task = "sort";
  bool hints = false, quick = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--out" && i + 1 < argc) out = argv[++i];
    else if (a == "--seed" && i + 1 < argc) seed = std::stoull(argv[++i]);
    else if (a == "--task" && i + 1 < argc) task = argv[++i];
    else if (a == "--hints") hints = true;
    else if (a == "--quick") quick = true;
    else {
      std::fprintf(stderr, "usage: %s [--out DIR] [--seed N] [--task NAME] [--hints] [--quick]\n", argv[0]);
      return 2;
    }
  }
  const std::filesystem::path root(out);

  // SCAN: the standard splits in the original file format plus JSONL datasets.
  for (const char* name : {"simple", "length", "addprim_jump", "addprim_turn_left", "template_around_right", "filler_num1"}) {
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
    gs::McdConfig mc;
    mc.train_size = quick ? 2000 : 8000;
    mc.test_size = quick ? 500 : 2000;
    mc.seed = seed + 1;
    const auto t0 = std::chrono::steady_clock::now();
    const auto split = gs::scan_mcd_split(mc);
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
    gs::LengthTaskConfig lc;
    lc.task = gs::length_task_from_string(task);
    if (lc.task == gs::LengthTask::count) lc.num_values = 128;
    if (hints) lc.hints.tasks = {gs::HintTask::successor};
    if (quick) lc.train_size = 1000, lc.test_size_per_length = 20;
    lc.seed = seed;
    const auto ds = gs::make_length_dataset(lc);
    gc::write_dataset(root / ("length_" + task), ds);
    report(("length_" + task).c_str(), ds);
  }

  // Modular arithmetic (Nanda et al.).
  {
    gs::ModularConfig mc;
    mc.p = 113;
    mc.seed = seed;
    const auto ds = gs::make_modular_dataset(mc);
    gc::write_dataset(root / "modular", ds);
    report("modular", ds);
  }
  std::printf("written to %s\n", root.string().c_str());
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "splits_export: %s\n", e.what());
  return 1;
}
