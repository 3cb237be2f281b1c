// Validates Kubernetes manifests against the Kubernetes OpenAPI schemas (npm kubernetes-models,
// generated from the upstream API definitions): node k8s_validate.mjs FILE.yaml...
// Prints one line per document ("ok KIND NAME" or "invalid KIND NAME: reason") and exits 1 when
// any document is invalid or of a kind this script does not know.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { CronJob, Job } from "kubernetes-models/batch/v1";
import { ConfigMap, Secret } from "kubernetes-models/v1";

const models = { "batch/v1": { CronJob, Job }, v1: { ConfigMap, Secret } };
let bad = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      console.log(`invalid ${file}: ${doc.errors[0].message}`);
      bad++;
      continue;
    }
    const obj = doc.toJS();
    if (obj === null) continue;
    const name = obj.metadata?.name ?? obj.metadata?.generateName ?? "?";
    const Model = models[obj.apiVersion]?.[obj.kind];
    if (!Model) {
      console.log(`invalid ${obj.apiVersion} ${obj.kind} ${name}: kind not known to this check`);
      bad++;
      continue;
    }
    try {
      new Model(obj).validate();
      console.log(`ok ${obj.kind} ${name}`);
    } catch (e) {
      console.log(`invalid ${obj.kind} ${name}: ${e.message}`);
      bad++;
    }
  }
}
process.exit(bad ? 1 : 0);
