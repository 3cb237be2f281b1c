// The one way a stored bundle becomes a tradable model: training (the champion's re-evaluation),
// `huracan backtest --model`, `huracan check out-of-time` and live all call it.
//
// Loading verifies the sha256 of every bundle file against the manifest (DataLoss naming the
// file) and the bundle's feature hash against the running recipe (FailedPrecondition naming
// config.json), then creates every engine of config.json through the engine registry, binds it
// to the feature columns and loads its params from model.bin; the regime thresholds and the meta
// combiner state come from model.bin's "regime" and "meta" sections, the costs from config.json.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "costs/cost_model.h"
#include "engines/engine.h"
#include "features/recipe.h"
#include "regime/classifier.h"
#include "registry/bundle.h"
#include "storage/object_store.h"

namespace huracan::registry {

struct LoadedModel {
  std::string model_id;  // "SYMBOL@TIMESTAMP" from the archive, else the bundle folder
  std::string where;     // where the files were read, ending with '/' ("file:///abs/archive/models/SOL/TS/")
  ModelBundle bundle;    // config.json, metrics.json and model.bin as stored
  std::vector<std::unique_ptr<engines::Engine>> engines;  // bound and loaded, config.json's order
  regime::RegimeThresholds regime;
  std::string meta_state;             // the meta combiner's saved state; empty when the bundle has none
  costs::CostConfig costs;            // config.json "costs" (the resolved costs it was trained with)
  std::vector<std::string> warnings;  // e.g. no costs in config.json, or a champion fallback

  std::vector<engines::Engine*> ptrs() const;
};

// Binds an already verified bundle: feature hash check, engines, regime, meta, costs.
// `where` prefixes every error message (the bundle's location, ending with '/').
Result<LoadedModel> BindModel(ModelBundle bundle, const std::string& model_id, const std::string& where,
                              const features::FeatureRecipe& recipe, const std::vector<std::string>& feature_names);

// The bundle stored under `prefix` of `store` (verified, then bound).
Result<LoadedModel> LoadModel(const storage::ObjectStore& store, const std::string& prefix, const std::string& model_id,
                              const features::FeatureRecipe& recipe, const std::vector<std::string>& feature_names);

// A bundle bound with the recipe it was trained with (config.json "recipe", whose hash must be
// its feature hash: DataLoss naming config.json otherwise) instead of the running one: the live
// runner's swap to a champion of another recipe.
struct ModelWithRecipe {
  LoadedModel model;
  features::FeatureRecipe recipe;
};
Result<ModelWithRecipe> LoadModelWithItsRecipe(const storage::ObjectStore& store, const std::string& prefix,
                                               const std::string& model_id);

// A bundle folder holding the four files (e.g. ARCHIVE/models/SOLUSDT/20251108T020000Z).
Result<LoadedModel> LoadModelDir(const std::string& dir, const features::FeatureRecipe& recipe,
                                 const std::vector<std::string>& feature_names);

// The symbol's current champion in the archive (falling back to a previous valid champion as
// LoadChampion does, with the reason in `warnings`). NotFound when the symbol has none.
Result<LoadedModel> LoadChampionModel(const storage::ObjectStore& archive, const std::string& symbol,
                                      const features::FeatureRecipe& recipe,
                                      const std::vector<std::string>& feature_names);

}  // namespace huracan::registry
