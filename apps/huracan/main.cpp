#include "cli/command.h"

int main(int argc, char** argv) { return huracan::cli::RunMain(argc, argv); }
