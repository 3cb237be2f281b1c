# Two commands do everything: `make run` (main job on the embedded defaults) and `make test`.
BUILD_DIR ?= build
ASAN_DIR ?= build-asan
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: deps build run test test-asan bench format format-check clean

deps:
	@bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Trains every coin of the embedded sample (data/sample -> ./archive, ./huracan.db), then prints
# the day's summary; the exit code is train's (1 when a symbol failed).
run: build
	@rc=0; ./$(BUILD_DIR)/huracan train || rc=$$?; \
	./$(BUILD_DIR)/huracan summary && exit $$rc

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: deps
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHURACAN_SANITIZE=ON -DHURACAN_BUILD_BENCH=OFF >/dev/null
	cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

# Every benchmark (docs/BENCHMARKS.md); reconfigures the build with the benchmarks on.
bench: deps
	bash bench/run_all.sh $(BUILD_DIR)

# Our C++ sources only (tests/js/node_modules holds npm's C++ and is not ours to format).
SOURCES = find src apps tests bench fuzz -path tests/js -prune -o \( -name '*.h' -o -name '*.cpp' \) -print

format:
	$(SOURCES) | xargs clang-format -i

format-check:
	@bash scripts/check-format.sh

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR)
