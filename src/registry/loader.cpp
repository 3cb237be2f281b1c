#include "registry/loader.h"

#include <filesystem>

#include "costs/cost_presets.h"
#include "engines/registry.h"
#include "registry/champion.h"

namespace huracan::registry {

std::vector<engines::Engine*> LoadedModel::ptrs() const {
  std::vector<engines::Engine*> out;
  out.reserve(engines.size());
  for (const auto& e : engines) out.push_back(e.get());
  return out;
}

Result<LoadedModel> BindModel(ModelBundle bundle, const std::string& model_id, const std::string& where,
                              const features::FeatureRecipe& recipe, const std::vector<std::string>& feature_names) {
  const std::string config_file = where + kConfigFile;
  const std::string model_file = where + kModelBinFile;
  if (bundle.config.feature_hash != recipe.hash())
    return FailedPrecondition(config_file + ": feature hash " + bundle.config.feature_hash +
                              " differs from the running recipe's (" + recipe.name() + ", " + recipe.hash() + ")");
  LoadedModel m;
  m.model_id = model_id;
  m.where = where;
  for (const auto& id : bundle.config.engines) {
    const std::string* params = bundle.model.Find(id);
    if (!params) return DataLoss(model_file + ": no section for engine " + id);
    HURACAN_ASSIGN_OR_RETURN_CTX(std::unique_ptr<engines::Engine> e, engines::CreateEngine(id), config_file);
    HURACAN_RETURN_IF_ERROR_CTX(e->Bind(feature_names), model_file + ": engine " + id);
    HURACAN_RETURN_IF_ERROR_CTX(e->LoadParams(*params), model_file + ": engine " + id);
    m.engines.push_back(std::move(e));
  }
  const std::string* reg = bundle.model.Find(kRegimeSection);
  if (!reg) return DataLoss(model_file + ": no regime section");
  HURACAN_ASSIGN_OR_RETURN_CTX(m.regime, regime::RegimeThresholds::Load(*reg), model_file + ": regime");
  if (const std::string* meta = bundle.model.Find(kMetaSection)) m.meta_state = *meta;
  const std::string& symbol = bundle.config.symbol;
  auto costs = bundle.config.extra.find("costs");
  if (costs == bundle.config.extra.end() || !costs->is_object()) {
    m.costs = costs::CostConfig::ForSymbol(symbol);
    m.warnings.push_back(config_file + ": no costs; using the defaults of " + symbol);
  } else {
    HURACAN_ASSIGN_OR_RETURN(costs::CostsFile cf, costs::ParseCostsJson(costs->dump(), config_file + ": costs"));
    m.costs = cf.overrides.ForSymbol(symbol);
  }
  m.bundle = std::move(bundle);
  return m;
}

Result<LoadedModel> LoadModel(const storage::ObjectStore& store, const std::string& prefix, const std::string& model_id,
                              const features::FeatureRecipe& recipe, const std::vector<std::string>& feature_names) {
  HURACAN_ASSIGN_OR_RETURN(ModelBundle bundle, ReadBundle(store, prefix));
  return BindModel(std::move(bundle), model_id, store.Describe() + "/" + prefix, recipe, feature_names);
}

Result<ModelWithRecipe> LoadModelWithItsRecipe(const storage::ObjectStore& store, const std::string& prefix,
                                               const std::string& model_id) {
  HURACAN_ASSIGN_OR_RETURN(ModelBundle bundle, ReadBundle(store, prefix));
  const std::string where = store.Describe() + "/" + prefix;
  const std::string config_file = where + kConfigFile;
  HURACAN_ASSIGN_OR_RETURN_CTX(features::FeatureRecipe recipe,
                               features::FeatureRecipe::Parse(bundle.config.recipe.dump(), config_file + ": recipe"),
                               config_file);
  if (recipe.hash() != bundle.config.feature_hash)
    return DataLoss(config_file + ": the recipe's hash " + recipe.hash() + " is not the feature hash " +
                    bundle.config.feature_hash);
  HURACAN_ASSIGN_OR_RETURN(LoadedModel m, BindModel(std::move(bundle), model_id, where, recipe, recipe.names()));
  return ModelWithRecipe{std::move(m), std::move(recipe)};
}

Result<LoadedModel> LoadModelDir(const std::string& dir, const features::FeatureRecipe& recipe,
                                 const std::vector<std::string>& feature_names) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return NotFound(dir + ": not a bundle folder");
  HURACAN_ASSIGN_OR_RETURN(std::unique_ptr<storage::ObjectStore> store, storage::OpenObjectStore(dir));
  std::filesystem::path p = std::filesystem::path(dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return LoadModel(*store, "", p.filename().string(), recipe, feature_names);
}

Result<LoadedModel> LoadChampionModel(const storage::ObjectStore& archive, const std::string& symbol,
                                      const features::FeatureRecipe& recipe,
                                      const std::vector<std::string>& feature_names) {
  HURACAN_ASSIGN_OR_RETURN(LoadedChampion c, LoadChampion(archive, symbol));
  HURACAN_ASSIGN_OR_RETURN(LoadedModel m, BindModel(std::move(c.bundle), c.entry.model_id,
                                                    archive.Describe() + "/" + c.entry.path, recipe, feature_names));
  m.warnings.insert(m.warnings.begin(), c.warnings.begin(), c.warnings.end());
  return m;
}

}  // namespace huracan::registry
