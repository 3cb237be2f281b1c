// The cluster deployment files (docs/DEPLOY.md): deploy/k8s/train-job.yaml parsed with yaml-cpp
// and its fields checked (Indexed Job + CronJob at 02:00 UTC, shard count consistent, secrets
// only from a Secret), the same file through the Kubernetes OpenAPI schemas (tests/js
// k8s_validate.mjs) when the npm tools are installed, and the Slurm scripts' shell syntax.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace huracan {
namespace {

using huracan::testing::RunCommand;
using huracan::testing::ShellQuote;
using huracan::testing::SourceDir;

std::string ManifestPath() { return SourceDir() + "/deploy/k8s/train-job.yaml"; }

// Checks one Job spec (the Job's, or the CronJob's jobTemplate's).
void CheckIndexedJobSpec(const YAML::Node& spec, const std::string& what) {
  SCOPED_TRACE(what);
  ASSERT_TRUE(spec.IsMap());
  EXPECT_EQ(spec["completionMode"].as<std::string>(""), "Indexed");
  const int completions = spec["completions"].as<int>(-1);
  EXPECT_GT(completions, 0);
  EXPECT_EQ(spec["parallelism"].as<int>(-2), completions);
  EXPECT_TRUE(spec["backoffLimitPerIndex"] || spec["backoffLimit"]) << "no retry limit";
  if (spec["backoffLimitPerIndex"]) {
    EXPECT_GE(spec["backoffLimitPerIndex"].as<int>(-1), 0);
  }

  const YAML::Node pod = spec["template"]["spec"];
  ASSERT_TRUE(pod.IsMap());
  // backoffLimitPerIndex needs Never; OnFailure would restart the container in place.
  EXPECT_EQ(pod["restartPolicy"].as<std::string>(""), "Never");
  ASSERT_TRUE(pod["containers"].IsSequence());
  ASSERT_EQ(pod["containers"].size(), 1u);
  const YAML::Node c = pod["containers"][0];

  std::string command;
  for (const char* k : {"command", "args"})
    for (const auto& part : c[k]) command += part.as<std::string>() + " ";
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(command, m, std::regex(R"re(huracan train --shard "\$\{JOB_COMPLETION_INDEX\}/(\d+)")re")))
      << command;
  EXPECT_EQ(std::stoi(m[1]), completions) << "--shard i/N must use N = completions";
  EXPECT_NE(command.find("--run-id"), std::string::npos) << "every pod must share the run id";

  // The credentials come from a Secret only; no env entry holds one inline.
  std::set<std::string> from_secret;
  for (const auto& e : c["env"]) {
    const std::string name = e["name"].as<std::string>();
    const bool secret = e["valueFrom"] && e["valueFrom"]["secretKeyRef"];
    if (secret) {
      EXPECT_FALSE(e["value"]) << name;
      EXPECT_FALSE(e["valueFrom"]["secretKeyRef"]["name"].as<std::string>("").empty()) << name;
      from_secret.insert(name);
    } else {
      EXPECT_EQ(name.find("SECRET"), std::string::npos) << name << " inline";
      EXPECT_EQ(name.find("PASSWORD"), std::string::npos) << name << " inline";
      EXPECT_NE(name, "DATABASE_URL") << "inline";
      EXPECT_NE(name, "AWS_ACCESS_KEY_ID") << "inline";
    }
  }
  EXPECT_EQ(from_secret, (std::set<std::string>{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "DATABASE_URL"}));
}

TEST(Deploy, K8sManifestIsAnIndexedJobAndADailyCronJob) {
  std::vector<YAML::Node> docs;
  ASSERT_NO_THROW(docs = YAML::LoadAllFromFile(ManifestPath()));
  ASSERT_EQ(docs.size(), 2u);
  std::set<std::string> kinds;
  for (const auto& d : docs) {
    EXPECT_EQ(d["apiVersion"].as<std::string>(""), "batch/v1");
    const std::string kind = d["kind"].as<std::string>("");
    kinds.insert(kind);
    if (kind == "CronJob") {
      EXPECT_EQ(d["spec"]["schedule"].as<std::string>(""), "0 2 * * *");
      const std::string tz = d["spec"]["timeZone"].as<std::string>("");
      EXPECT_TRUE(tz == "Etc/UTC" || tz == "UTC") << tz;
      EXPECT_EQ(d["spec"]["concurrencyPolicy"].as<std::string>(""), "Forbid");
      CheckIndexedJobSpec(d["spec"]["jobTemplate"]["spec"], "CronJob");
    } else if (kind == "Job") {
      CheckIndexedJobSpec(d["spec"], "Job");
    }
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"CronJob", "Job"}));
}

TEST(Deploy, K8sManifestPassesTheKubernetesSchemas) {
  HURACAN_REQUIRE_NODE();
  if (!std::filesystem::is_directory(huracan::testing::JsDir() + "/node_modules/kubernetes-models"))
    GTEST_SKIP() << "npm kubernetes-models missing: run scripts/install-deps.sh";
  // One node run checks the manifest and a broken copy (a wrong type and a wrong enum value),
  // which the schemas must reject.
  const std::string bad = huracan::testing::MakeTempDir("k8s") + "/bad.yaml";
  auto made =
      RunCommand("sed 's/completions: 8/completions: eight/; s/restartPolicy: Never/restartPolicy: Sometimes/' " +
                 ShellQuote(ManifestPath()) + " > " + ShellQuote(bad));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  auto r = RunCommand("cd " + ShellQuote(huracan::testing::JsDir()) + " && node k8s_validate.mjs " +
                      ShellQuote(ManifestPath()) + " " + ShellQuote(bad));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // the broken copy
  std::istringstream lines(r.out);
  std::vector<std::string> got;
  for (std::string line; std::getline(lines, line);) got.push_back(line);
  ASSERT_EQ(got.size(), 4u) << r.out << r.err;
  EXPECT_EQ(got[0], "ok CronJob huracan-train");
  EXPECT_EQ(got[1], "ok Job huracan-train-manual-");
  for (size_t i : {2u, 3u}) {
    EXPECT_EQ(got[i].rfind("invalid ", 0), 0u) << got[i];
    EXPECT_NE(got[i].find("completions must be integer"), std::string::npos) << got[i];
    EXPECT_NE(got[i].find("restartPolicy must be equal to one of the allowed values"), std::string::npos) << got[i];
  }
}

TEST(Deploy, SlurmScriptsParseAndShardByArrayTask) {
  const std::string dir = SourceDir() + "/deploy/slurm/";
  for (const char* f : {"train.sbatch", "summary.sbatch", "submit.sh"}) {
    auto r = RunCommand("bash -n " + ShellQuote(dir + f));
    EXPECT_EQ(r.exit_code, 0) << f << ": " << r.err;
  }
  auto grep = RunCommand("grep -c -- '--shard \"$SLURM_ARRAY_TASK_ID/$shards\"' " + ShellQuote(dir + "train.sbatch"));
  EXPECT_EQ(grep.out, "1\n") << "train.sbatch must shard by the array task";
  grep = RunCommand("grep -c -- '--dependency=afterany:' " + ShellQuote(dir + "submit.sh"));
  EXPECT_EQ(grep.out, "1\n") << "submit.sh must run the summary after the whole array";
}

}  // namespace
}  // namespace huracan
