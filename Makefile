# Two commands do everything: `make run` (main job on the embedded defaults) and `make test`.
BUILD_DIR ?= build
ASAN_DIR ?= build-asan
FUZZ_DIR ?= $(CURDIR)/build-fuzz
FUZZ_SECONDS ?= 15
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: deps build run test test-slurm asan-build test-asan fuzz-smoke fuzz-build fuzz fuzz-long bench bench-live bench-train-400 soak-build soak soak-long crash-long crash-long-train crash-long-live crash-long-mechanic format format-check clean

deps:
	@bash scripts/install-deps.sh

# The benchmarks are built by `make bench` / `make bench-live` (BENCH=ON builds them here too).
BENCH ?= OFF
build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DHURACAN_BUILD_BENCH=$(BENCH) $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Trains every coin of the embedded sample (data/sample -> ./archive, ./huracan.db), then prints
# the day's summary; the exit code is train's (1 when a symbol failed).
run: build
	@rc=0; ./$(BUILD_DIR)/huracan train || rc=$$?; \
	./$(BUILD_DIR)/huracan summary && exit $$rc

# Every test but the minutes-long Slurm run (label `slurm`), which `make test-slurm` runs.
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -LE slurm

# The daily run on a one-node Slurm cluster with PostgreSQL and S3 (docs/DEPLOY.md, "Slurm").
test-slurm: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L slurm

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer, in one clang tree that also
# builds the libFuzzer targets (its libraries carry libFuzzer's edge counters, which cost the tests
# little), so `make fuzz-smoke` runs them without a third compile of the libraries. -O1 -g1 (line
# tables for the sanitizers' stack traces) compiles in about half the CPU time of -O2 -g.
ASAN_CXX_FLAGS ?= -O1 -g1 -DNDEBUG
ASAN_COVERAGE ?= -fsanitize-coverage=inline-8bit-counters,pc-table
asan-build: deps
	@grep -qs 'CMAKE_CXX_COMPILER:[A-Z]*=.*clang' $(ASAN_DIR)/CMakeCache.txt || rm -rf $(ASAN_DIR)
	CC=clang CXX=clang++ cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$(ASAN_CXX_FLAGS)" -DHURACAN_SANITIZE=ON -DHURACAN_FUZZ=ON \
	  -DHURACAN_FUZZ_COVERAGE="$(ASAN_COVERAGE)" -DHURACAN_BUILD_BENCH=OFF $(CMAKE_FLAGS) >/dev/null
	cmake --build $(ASAN_DIR) -j $(JOBS)

test-asan: asan-build
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp ctest --output-on-failure -j $(JOBS) -LE slurm

# Every libFuzzer target of the sanitizer tree FUZZ_SECONDS long from its seed corpus (.ci/run: 10 s).
fuzz-smoke: asan-build
	bash scripts/run-fuzz.sh $(ASAN_DIR) $(FUZZ_SECONDS)

# Every parser of outside input under libFuzzer + ASan + UBSan (clang; docs/RELIABILITY.md) in its
# own tree with libFuzzer's full instrumentation (comparisons too), each target FUZZ_SECONDS long
# from its seed corpus in fuzz/corpus. `make fuzz-long` is the documented campaign (10 minutes per
# target; MERGE=1 keeps new coverage in the corpus; FUZZ_JOBS=2 runs two targets at once).
FUZZ_CXX_FLAGS ?= -O1 -g1 -DNDEBUG
FUZZ_LONG_SECONDS ?= 600
FUZZ_JOBS ?= 1
fuzz-build: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -DHURACAN_FUZZ=ON -DHURACAN_BUILD_TESTS=OFF \
	  -DHURACAN_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$(FUZZ_CXX_FLAGS)" >/dev/null
	cmake --build $(FUZZ_DIR) --target fuzz_all -j $(JOBS)

fuzz: fuzz-build
	bash scripts/run-fuzz.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

fuzz-long: fuzz-build
	FUZZ_JOBS=$(FUZZ_JOBS) bash scripts/run-fuzz.sh $(FUZZ_DIR) $(FUZZ_LONG_SECONDS)

# Every benchmark (docs/BENCHMARKS.md); reconfigures the build with the benchmarks on.
bench: deps
	bash bench/run_all.sh $(BUILD_DIR)

# The 400-symbol live shadow benchmark (docs/BENCHMARKS.md, "Live: 400 symbols"): builds the
# universe from ../shared (bench/make_live_universe.sh), the `huracan live` runs at 50-400 symbols,
# then the per-minute step benchmark. Not part of `make test`.
bench-live: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DHURACAN_BUILD_BENCH=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS) --target huracan make_live_universe bench_live_step
	bash bench/live_400.sh $(BUILD_DIR)
	HURACAN_LIVE_UNIVERSE=$(BUILD_DIR)/live-universe $(BUILD_DIR)/bench/bench_live_step

# The 400-coin training benchmark (docs/BENCHMARKS.md, "Training: 400 coins"): 400 symbols of
# 1m bars generated from ../shared (bench/live_universe.cpp, train-data), `huracan train` at 50,
# 100, 200 and 400 symbols (COUNTS=...): wall, CPU, peak memory. About 45 minutes on 2 idle cores.
bench-train-400: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DHURACAN_BUILD_BENCH=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS) --target huracan make_live_universe
	bash bench/train_400.sh $(BUILD_DIR)

# The live soak test (docs/RELIABILITY.md, "Load"): `huracan live` over the benchmark universe
# (made from ../shared on first use), its RSS sampled over the run; fails on memory growth beyond
# MAX_GROWTH_MIB between the first and the last quarter, or decision latency p99 beyond MAX_P99_US.
# `soak`: 50 symbols x 1 simulated day; `soak-long`: 400 symbols x 10 days. Not part of `make test`
# (its CI-size twin on the embedded sample is: tests/soak, `ctest -L soak`).
soak-build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DHURACAN_BUILD_BENCH=ON $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS) --target huracan make_live_universe

soak: soak-build
	SYMBOLS=50 DAYS=1 bash scripts/soak.sh $(BUILD_DIR)

soak-long: soak-build
	SYMBOLS=400 DAYS=10 bash scripts/soak.sh $(BUILD_DIR)

# The long crash campaign of `huracan mechanic` (docs/RELIABILITY.md, "Crashes"): the refusal and
# the promotion path of the CI campaign (tests/training/crash_campaign_mechanic.h), each with
# MECH_CRASH_POINTS random kills that land (default 100) besides its stage kills. Not part of `make test`.
MECH_CRASH_POINTS ?= 100
.PHONY: crash-long-mechanic
crash-long-mechanic: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DHURACAN_BUILD_BENCH=$(BENCH) $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS) --target huracan test_training
	HURACAN_MECH_CRASH_POINTS=$(MECH_CRASH_POINTS) $(BUILD_DIR)/tests/test_training \
	  --gtest_filter='*.KillAtEveryStageAndRandomPointsOfA*'

# The crash campaign of `huracan live` at length (docs/RELIABILITY.md, "Crashes"): the CI case
# `LiveCrashCampaign.*` of test_live with LIVE_CRASH_POINTS kills per mode (shadow, then paper)
# instead of 12. HURACAN_LIVE_CRASH_SEED=N reruns a campaign. Not part of `make test`.
LIVE_CRASH_POINTS ?= 100
crash-long-live: build
	cd $(BUILD_DIR) && HURACAN_LIVE_CRASH_POINTS=$(LIVE_CRASH_POINTS) ctest -V -R '^LiveCrashCampaign[.]'

# The crash campaign of `huracan train` at length (docs/RELIABILITY.md, "Crash campaign"): kill -9
# at CRASH_POINTS seeded random points (CRASH_SEED replays a run) of runs over the first
# CRASH_COINS coins of ../shared (skipped, saying so, when absent), each followed by a rerun and
# the checks. Not part of `make test`, which runs the same test on the embedded sample (24 points).
CRASH_POINTS ?= 200
CRASH_COINS ?= 6
CRASH_SEED ?= 20261130
crash-long-train: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DHURACAN_BUILD_BENCH=$(BENCH) $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS) --target huracan test_training
	HURACAN_CRASH_POINTS=$(CRASH_POINTS) HURACAN_CRASH_COINS=$(CRASH_COINS) HURACAN_CRASH_SEED=$(CRASH_SEED) \
	  $(BUILD_DIR)/tests/test_training --gtest_filter='CrashCampaign.*'

# All three crash campaigns at length.
crash-long: crash-long-train crash-long-live crash-long-mechanic

# Our C++ sources only (tests/js/node_modules holds npm's C++ and is not ours to format).
SOURCES = find src apps tests bench fuzz -path tests/js -prune -o \( -name '*.h' -o -name '*.cpp' \) -print

format:
	$(SOURCES) | xargs clang-format -i

format-check:
	@bash scripts/check-format.sh

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)
