#include "storage/local_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "core/sha256.h"
#include "storage/object_store.h"
#include "support/test_support.h"

namespace huracan::storage {
namespace {
namespace fs = std::filesystem;

std::unique_ptr<LocalObjectStore> OpenStore(const std::string& root, LocalStoreOptions opt = {}) {
  auto s = LocalObjectStore::Open(root, std::move(opt));
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return std::move(s).value();
}

// Files under `root` whose name starts with ".tmp-" (left-over temp files).
int CountTempFiles(const std::string& root) {
  int n = 0;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.path().filename().string().rfind(".tmp-", 0) == 0) ++n;
  return n;
}

TEST(LocalStore, PutGetExistsChecksumListDelete) {
  std::string root = testing::MakeTempDir("store");
  auto store = OpenStore(root);
  ASSERT_TRUE(store->Put("models/BTCUSDT/20251108T020000Z/model.bin", "abc").ok());
  ASSERT_TRUE(store->Put("models/BTCUSDT/20251108T020000Z/config.json", "{}").ok());
  ASSERT_TRUE(store->Put("models/ETHUSDT/20251108T020000Z/model.bin", std::string(100000, 'x')).ok());
  ASSERT_TRUE(store->Put("champion/BTCUSDT/latest.json", "{\"a\":1}").ok());

  auto got = store->Get("models/BTCUSDT/20251108T020000Z/model.bin");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "abc");
  EXPECT_EQ(*store->Get("models/ETHUSDT/20251108T020000Z/model.bin"), std::string(100000, 'x'));
  // The file is where the layout says.
  EXPECT_TRUE(fs::is_regular_file(root + "/champion/BTCUSDT/latest.json"));

  EXPECT_TRUE(*store->Exists("champion/BTCUSDT/latest.json"));
  EXPECT_FALSE(*store->Exists("champion/ETHUSDT/latest.json"));

  auto sum = store->Checksum("models/BTCUSDT/20251108T020000Z/model.bin");
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(*sum, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");  // sha256("abc")

  auto all = store->List("");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, (std::vector<std::string>{
                      "champion/BTCUSDT/latest.json", "models/BTCUSDT/20251108T020000Z/config.json",
                      "models/BTCUSDT/20251108T020000Z/model.bin", "models/ETHUSDT/20251108T020000Z/model.bin"}));
  EXPECT_EQ(store->List("models/BTC")->size(), 2u);  // plain string prefix, not only folders
  EXPECT_EQ(store->List("models/ETHUSDT/")->size(), 1u);
  EXPECT_TRUE(store->List("nothing/here/")->empty());

  // Overwrite replaces.
  ASSERT_TRUE(store->Put("champion/BTCUSDT/latest.json", "{\"a\":2}").ok());
  EXPECT_EQ(*store->Get("champion/BTCUSDT/latest.json"), "{\"a\":2}");

  ASSERT_TRUE(store->Delete("models/ETHUSDT/20251108T020000Z/model.bin").ok());
  EXPECT_FALSE(*store->Exists("models/ETHUSDT/20251108T020000Z/model.bin"));
  EXPECT_FALSE(fs::exists(root + "/models/ETHUSDT"));                            // empty folders pruned
  EXPECT_TRUE(store->Delete("models/ETHUSDT/20251108T020000Z/model.bin").ok());  // idempotent

  auto missing = store->Get("models/ETHUSDT/20251108T020000Z/model.bin");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("models/ETHUSDT/20251108T020000Z/model.bin"), std::string::npos);
  EXPECT_EQ(store->Checksum("nope").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(CountTempFiles(root), 0);
}

TEST(LocalStore, RefusesBadKeys) {
  std::string root = testing::MakeTempDir("store");
  auto store = OpenStore(root);
  for (const std::string& key :
       {std::string(""), std::string("/etc/passwd"), std::string("../escape"), std::string("a/../../b"),
        std::string("a//b"), std::string("a/./b"), std::string("a\\b"), std::string("a/b/"),
        std::string("x/.tmp-hidden"), std::string("a\nb"), std::string(2000, 'k')}) {
    Status st = store->Put(key, "x");
    EXPECT_FALSE(st.ok()) << "accepted key '" << key << "'";
    if (!st.ok()) {
      EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument) << key;
    }
    EXPECT_FALSE(store->Get(key).ok()) << key;
    EXPECT_FALSE(store->Delete(key).ok()) << key;
  }
  EXPECT_FALSE(fs::exists(fs::path(root).parent_path() / "escape"));
  EXPECT_TRUE(ValidateKey("models/BTC-USDT_1.x/20251108T020000Z/model.bin").ok());
  EXPECT_TRUE(store->List("")->empty());
}

TEST(LocalStore, FailedPutLeavesOldObjectAndNoTempFile) {
  std::string root = testing::MakeTempDir("store");
  LocalStoreOptions opt;
  std::atomic<bool> fail{false};
  std::string seen_temp;
  opt.before_rename = [&](const std::string& key, const std::string& temp) -> Status {
    seen_temp = temp;
    // The temp file is complete and next to the target, and invisible to readers.
    EXPECT_EQ(fs::path(temp).parent_path(), fs::path(root + "/" + key).parent_path());
    if (fail) return Unavailable("injected failure before rename");
    return Status::Ok();
  };
  auto store = OpenStore(root, opt);
  ASSERT_TRUE(store->Put("champion/BTCUSDT/latest.json", "old contents").ok());
  fail = true;
  Status st = store->Put("champion/BTCUSDT/latest.json", std::string(1 << 20, 'n'));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("injected"), std::string::npos);
  EXPECT_EQ(*store->Get("champion/BTCUSDT/latest.json"), "old contents");
  EXPECT_FALSE(fs::exists(seen_temp));
  EXPECT_EQ(CountTempFiles(root), 0);
  // A first write that fails leaves nothing at all.
  EXPECT_FALSE(store->Put("champion/ETHUSDT/latest.json", "new").ok());
  EXPECT_FALSE(*store->Exists("champion/ETHUSDT/latest.json"));
  EXPECT_EQ(store->List("")->size(), 1u);
}

// A writer killed with SIGKILL at random moments never leaves a torn object: readers see a
// complete version, and stale temp files are invisible to List.
TEST(LocalStore, KillDuringPutNeverLeavesTornObject) {
  std::string root = testing::MakeTempDir("store");
  const std::string a(3 << 20, 'a'), b(3 << 20, 'b');
  const std::string key = "models/BTCUSDT/20251108T020000Z/model.bin";
  {
    auto store = OpenStore(root);
    ASSERT_TRUE(store->Put(key, a).ok());
  }
  for (int round = 0; round < 6; ++round) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      auto s = LocalObjectStore::Open(root);
      for (int i = 0;; ++i) (void)(*s)->Put(key, (i % 2) ? a : b);
    }
    ::usleep(static_cast<useconds_t>(20000 + 15000 * round));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    auto store = OpenStore(root);
    auto got = store->Get(key);
    ASSERT_TRUE(got.ok());
    EXPECT_TRUE(*got == a || *got == b) << "torn object after kill, size " << got->size();
    EXPECT_EQ(*store->List(""), std::vector<std::string>{key});
  }
}

// A writer killed between writing its temp file and the rename leaves the temp file; the next Put
// of that key (the rerun after the crash) removes it, but not the temp file of a writer that is
// still alive nor one written on another machine sharing the folder.
TEST(LocalStore, APutRemovesTheTempFilesOfKilledWritersOfItsKey) {
  const std::string root = testing::MakeTempDir("store");
  const std::string key = "champion/BTCUSDT/latest.json";
  // Forks a writer of `key` that stops just before its rename: killed there (`die`; reaped, or
  // left a zombie), or parked until the test kills it. Returns its pid once its temp file is
  // complete.
  auto writer = [&](bool die, bool reap = true) {
    int ready[2];
    EXPECT_EQ(::pipe(ready), 0);
    const pid_t pid = ::fork();
    if (pid == 0) {
      LocalStoreOptions opt;
      opt.fsync = false;
      opt.before_rename = [&](const std::string&, const std::string&) -> Status {
        if (die) ::raise(SIGKILL);
        (void)!::write(ready[1], "r", 1);
        for (;;) ::pause();
      };
      auto s = LocalObjectStore::Open(root, opt);
      (void)(*s)->Put(key, "torn");
      ::_exit(1);
    }
    ::close(ready[1]);
    if (die && reap) {
      int st = 0;
      ::waitpid(pid, &st, 0);
      EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    } else if (die) {
      siginfo_t info{};
      ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT);  // dead, still a zombie
    } else {
      char c = 0;
      EXPECT_EQ(::read(ready[0], &c, 1), 1);
    }
    ::close(ready[0]);
    return pid;
  };
  // One killed writer whose temp file then looks as if written by another machine sharing the
  // folder (its pid means nothing here), a live writer, and a killed writer of this machine not
  // yet reaped (each writer's own Put would remove the temp files of those before it that are dead).
  writer(true);
  ASSERT_EQ(CountTempFiles(root), 1);
  std::string foreign;
  for (const auto& e : fs::directory_iterator(root + "/champion/BTCUSDT")) foreign = e.path().string();
  const std::string name = fs::path(foreign).filename().string();
  const auto pid_dot = name.rfind('.', name.rfind('.', name.rfind('.') - 1) - 1);
  const std::string renamed = root + "/champion/BTCUSDT/.tmp-latest.json.otherhost" + name.substr(pid_dot);
  fs::rename(foreign, renamed);
  const pid_t parked = writer(false);
  struct Reaper {  // kills and reaps the writer however the test ends
    pid_t pid;
    ~Reaper() {
      if (pid <= 0) return;
      ::kill(pid, SIGKILL);
      int st = 0;
      ::waitpid(pid, &st, 0);
    }
  } reap_parked{parked};
  const pid_t zombie = writer(true, false);
  Reaper reap_zombie{zombie};
  ASSERT_EQ(CountTempFiles(root), 3);

  auto store = OpenStore(root);
  ASSERT_TRUE(store->Put(key, "complete").ok());
  EXPECT_EQ(*store->Get(key), "complete");
  EXPECT_EQ(*store->List(""), std::vector<std::string>{key});
  // The killed writer's temp file is gone (a zombie is dead); the live writer's and the other
  // machine's stay.
  EXPECT_EQ(CountTempFiles(root), 2);
  EXPECT_TRUE(fs::exists(renamed));
  // A Put of another key in the folder leaves the temp files of `key` alone.
  ::kill(parked, SIGKILL);
  int st = 0;
  ::waitpid(parked, &st, 0);
  reap_parked.pid = 0;
  ASSERT_TRUE(store->Put("champion/BTCUSDT/challengers.json", "[]").ok());
  EXPECT_EQ(CountTempFiles(root), 2);
  // Once that writer is gone too, the next Put of `key` removes its temp file.
  ASSERT_TRUE(store->Put(key, "again").ok());
  EXPECT_EQ(CountTempFiles(root), 1);
  EXPECT_TRUE(fs::exists(renamed));
}

TEST(LocalStore, ConcurrentWritersAndReaders) {
  std::string root = testing::MakeTempDir("store");
  LocalStoreOptions opt;
  opt.fsync = false;
  auto store = OpenStore(root, opt);
  const std::string key = "champion/BTCUSDT/latest.json";
  ASSERT_TRUE(store->Put(key, std::string(50000, '0')).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 3; ++w)
    writers.emplace_back([&, w] {
      for (int i = 0; i < 60; ++i) EXPECT_TRUE(store->Put(key, std::string(50000, static_cast<char>('1' + w))).ok());
    });
  std::thread reader([&] {
    while (!stop) {
      auto got = store->Get(key);
      if (!got.ok() || got->size() != 50000 || got->find_first_not_of((*got)[0]) != std::string::npos) ++torn;
    }
  });
  for (auto& t : writers) t.join();
  stop = true;
  reader.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(CountTempFiles(root), 0);
}

TEST(ObjectStore, OpenByUrlAndCopyPrefix) {
  std::string root = testing::MakeTempDir("store");
  auto store = OpenObjectStore("file://" + root);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->Describe(), "file://" + fs::canonical(root).string());
  ASSERT_TRUE((*store)->Put("challengers/X/1/a", "1").ok());
  ASSERT_TRUE((*store)->Put("challengers/X/1/b", "2").ok());
  ASSERT_TRUE(CopyPrefix(**store, "challengers/X/1/", "models/X/1/").ok());
  EXPECT_EQ(*(*store)->Get("models/X/1/b"), "2");
  auto url = (*store)->UrlFor("models/X/1/a", 60);
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(*url, "file://" + fs::canonical(root).string() + "/models/X/1/a");
  auto gs = OpenObjectStore("gs://bucket/prefix");  // s3:// has its own backend (s3_test.cpp)
  ASSERT_FALSE(gs.ok());
  EXPECT_EQ(gs.error().code, ErrorCode::kUnimplemented);
}

}  // namespace
}  // namespace huracan::storage
