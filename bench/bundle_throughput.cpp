// bundle_throughput: bundle throughput of one or more object stores (docs/BENCHMARKS.md, "S3 bundles";
// bench/s3_bundles.sh drives it against the local S3 test server and a local folder).
//
//   bundle_throughput --bundle DIR --store URL [--store URL ...] [--bundles 24] [--clients 1,4] [--reps 3]
//
// DIR is a trained bundle (model.bin, config.json, metrics.json, sha256.txt, e.g. an archive's
// challengers/SYMBOL/TIMESTAMP/). For every store, client count and repetition it writes the bundle
// --bundles times under fresh prefixes (registry::WriteBundle: the data files, then sha256.txt; on
// S3 every PUT carries the SHA-256 metadata), then reads every copy back (registry::ReadBundle with
// the expected manifest hash: on S3 every GET checks the metadata, then the manifest is checked
// against each file and model.bin is parsed). With C clients, C threads share one store instance
// and take bundles from a common counter. Prints one row per store, client count and phase (the
// median of the repetitions and every repetition's seconds), then, with two or more stores, each
// store's median bundles/s relative to the last store's.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "core/strings.h"
#include "registry/bundle.h"
#include "storage/object_store.h"

namespace {
using namespace huracan;

struct Args {
  std::string bundle;
  std::vector<std::string> stores;
  int bundles = 24;
  std::vector<int> clients = {1, 4};
  int reps = 3;
};

int Usage() {
  std::fprintf(stderr,
               "usage: bundle_throughput --bundle DIR --store URL [--store URL ...] [--bundles N] "
               "[--clients 1,4] [--reps R]\n");
  return 2;
}

bool ParseArgs(int argc, char** argv, Args& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return false;
    const std::string value = argv[++i];
    if (flag == "--bundle") {
      a.bundle = value;
    } else if (flag == "--store") {
      a.stores.push_back(value);
    } else if (flag == "--bundles") {
      a.bundles = std::atoi(value.c_str());
    } else if (flag == "--reps") {
      a.reps = std::atoi(value.c_str());
    } else if (flag == "--clients") {
      a.clients.clear();
      for (const std::string& c : SplitCommaList(value)) a.clients.push_back(std::atoi(c.c_str()));
    } else {
      return false;
    }
  }
  const bool clients_ok =
      !a.clients.empty() && std::all_of(a.clients.begin(), a.clients.end(), [](int c) { return c >= 1 && c <= 64; });
  return !a.bundle.empty() && !a.stores.empty() && a.bundles >= 1 && a.reps >= 1 && clients_ok;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Runs `op(i)` for i = 0 .. n-1 on `clients` threads; returns the wall seconds, or the first error.
template <typename Op>
Result<double> Timed(int n, int clients, const Op& op) {
  std::atomic<int> next{0};
  std::atomic<bool> failed{false};
  std::vector<Status> errors(clients);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < clients; ++t) {
    threads.emplace_back([&, t] {
      for (int i = next++; i < n && !failed; i = next++) {
        Status s = op(i);
        if (!s.ok()) {
          errors[t] = s;
          failed = true;
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const Status& s : errors)
    if (!s.ok()) return s.error();
  return seconds;
}

struct Row {
  std::string store, phase;
  int clients = 0;
  std::vector<double> seconds;  // one per repetition
};

Status Run(const Args& a) {
  HURACAN_ASSIGN_OR_RETURN_CTX(std::unique_ptr<storage::ObjectStore> source, storage::OpenObjectStore(a.bundle),
                               "--bundle");
  HURACAN_ASSIGN_OR_RETURN_CTX(registry::ModelBundle bundle, registry::ReadBundle(*source, ""), "--bundle");
  HURACAN_ASSIGN_OR_RETURN(registry::BundleFiles files, registry::EncodeBundle(bundle));
  size_t bytes = 0;
  for (const auto& [name, data] : files) bytes += data.size();
  std::printf("bundle: %s, %zu bytes in %zu files (model.bin %zu bytes); %d bundles per phase, %d repetitions\n",
              a.bundle.c_str(), bytes, files.size(), files.at(registry::kModelBinFile).size(), a.bundles, a.reps);

  const std::string run = std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  std::vector<Row> rows;
  for (const std::string& url : a.stores) {
    HURACAN_ASSIGN_OR_RETURN_CTX(std::unique_ptr<storage::ObjectStore> store, storage::OpenObjectStore(url), "--store");
    for (int clients : a.clients) {
      Row put{store->Describe(), "put", clients, {}}, get{store->Describe(), "get", clients, {}};
      for (int rep = 0; rep < a.reps; ++rep) {
        const std::string base = "bench/" + run + "/c" + std::to_string(clients) + "r" + std::to_string(rep) + "/b";
        std::vector<std::string> manifests(a.bundles);
        auto put_one = [&](int i) -> Status {
          HURACAN_ASSIGN_OR_RETURN(manifests[i], registry::WriteBundle(*store, base + std::to_string(i) + "/", bundle));
          return Status::Ok();
        };
        auto get_one = [&](int i) -> Status {
          HURACAN_RETURN_IF_ERROR(registry::ReadBundle(*store, base + std::to_string(i) + "/", manifests[i]));
          return Status::Ok();
        };
        HURACAN_ASSIGN_OR_RETURN_CTX(double put_s, Timed(a.bundles, clients, put_one), "put");
        HURACAN_ASSIGN_OR_RETURN_CTX(double get_s, Timed(a.bundles, clients, get_one), "get");
        put.seconds.push_back(put_s);
        get.seconds.push_back(get_s);
      }
      rows.push_back(put);
      rows.push_back(get);
    }
  }

  std::printf("\n| store | clients | phase | bundles/s | MB/s | seconds per repetition (%d bundles) |\n", a.bundles);
  std::printf("|---|---|---|---|---|---|\n");
  std::map<std::string, double> median_rate;  // "store|clients|phase" -> bundles/s
  for (const Row& r : rows) {
    std::vector<double> rates;
    for (double s : r.seconds) rates.push_back(a.bundles / s);
    const double rate = Median(rates);
    median_rate[r.store + "|" + std::to_string(r.clients) + "|" + r.phase] = rate;
    std::string reps;
    for (double s : r.seconds) reps += (reps.empty() ? "" : " / ") + std::to_string(s).substr(0, 5);
    std::printf("| %s | %d | %s | %.1f | %.1f | %s |\n", r.store.c_str(), r.clients, r.phase.c_str(), rate,
                rate * static_cast<double>(bytes) / 1e6, reps.c_str());
  }
  if (a.stores.size() >= 2) {
    const std::string ref = rows.back().store;
    std::printf("\nmedian bundles/s relative to %s:\n", ref.c_str());
    for (const Row& r : rows) {
      if (r.store == ref) continue;
      const std::string tail = "|" + std::to_string(r.clients) + "|" + r.phase;
      std::printf("  %s, %d client(s), %s: %.3fx\n", r.store.c_str(), r.clients, r.phase.c_str(),
                  median_rate[r.store + tail] / median_rate[ref + tail]);
    }
  }
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!ParseArgs(argc, argv, a)) return Usage();
  Status s = Run(a);
  if (!s.ok()) {
    std::fprintf(stderr, "bundle_throughput: %s\n", s.error().ToString().c_str());
    return 1;
  }
  return 0;
}
