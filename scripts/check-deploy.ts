import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';

/**
 * The offline check of deploy/ and docker/compose.yaml (`npm run lint:deploy`), in place of kubeconform:
 * 1. every manifest against the Kubernetes API schemas (kubernetes-models' validators: types, required
 *    fields, formats);
 * 2. no unknown field (kubeconform -strict): each manifest is type-checked as an object literal of its
 *    kind's TypeScript interface, whose excess-property check names the field;
 * 3. Tessera's own rules: probes on /readyz and /healthz, a grace period longer than preStop + the drain,
 *    selectors that match, references that exist, and only variables Tessera reads.
 */

type Json = Record<string, unknown>;
export interface Manifest {
  file: string;
  doc: Json;
}
interface ModelClass {
  new (data: unknown): { validate(): void };
}

const ROOT = join(__dirname, '..');
/** Read by Node or the container runtime, not by Tessera's configuration. */
const RUNTIME_VARIABLES = new Set(['NODE_OPTIONS']);

// kubernetes-models is loaded at run time so that the type check does not depend on its typings.
const modelsDir = (): string => dirname(require.resolve('kubernetes-models'));

/** The manifests a kustomization lists (recursively), and the YAML files beside it that it forgets. */
export function loadKustomization(dir: string): { manifests: Manifest[]; problems: string[] } {
  const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources?: string[] };
  const listed = kustomization.resources ?? [];
  const manifests: Manifest[] = [];
  const problems: string[] = [];
  for (const name of readdirSync(dir)) {
    if (/\.ya?ml$/.test(name) && name !== 'kustomization.yaml' && !listed.includes(name)) {
      problems.push(`${relative(ROOT, join(dir, name))}: not listed in kustomization.yaml resources, so never applied`);
    }
  }
  for (const resource of listed) {
    const path = join(dir, resource);
    if (!/\.ya?ml$/.test(resource)) {
      const nested = loadKustomization(path);
      manifests.push(...nested.manifests);
      problems.push(...nested.problems);
      continue;
    }
    for (const document of parseAllDocuments(readFileSync(path, 'utf8'))) {
      if (document.errors.length) problems.push(`${relative(ROOT, path)}: ${document.errors[0].message}`);
      const doc = document.toJS() as Json | null;
      if (doc) manifests.push({ file: relative(ROOT, path), doc });
    }
  }
  return { manifests, problems };
}

const label = (m: Manifest): string => `${m.file} (${String(m.doc.kind)} ${String((m.doc.metadata as Json | undefined)?.name)})`;
const modelPath = (m: Manifest): string => join(modelsDir(), String(m.doc.apiVersion), String(m.doc.kind));

function modelOf(m: Manifest): ModelClass | undefined {
  try {
    return (require(modelPath(m)) as Record<string, ModelClass>)[String(m.doc.kind)];
  } catch {
    return undefined;
  }
}

/** 1. The Kubernetes API schemas; a kind without a schema is an error, as in kubeconform. */
export function schemaProblems(manifests: Manifest[]): string[] {
  const problems: string[] = [];
  for (const m of manifests) {
    const Model = modelOf(m);
    if (!Model) {
      problems.push(`${label(m)}: no schema for apiVersion ${String(m.doc.apiVersion)}, kind ${String(m.doc.kind)}`);
      continue;
    }
    try {
      new Model(m.doc).validate();
    } catch (error) {
      problems.push(`${label(m)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}

/** 2. Unknown fields, through TypeScript's excess-property check against each kind's interface. */
export function unknownFieldProblems(allManifests: Manifest[]): string[] {
  // Kinds without a schema are reported by schemaProblems.
  const manifests = allManifests.filter((m) => modelOf(m));
  const fileName = join(ROOT, 'deploy', '__manifests__.ts');
  const lines: string[] = [];
  const starts: number[] = [];
  manifests.forEach((m, index) => {
    starts.push(lines.length);
    lines.push(`import type { I${String(m.doc.kind)} as T${index} } from ${JSON.stringify(modelPath(m))};`);
    lines.push(...`export const m${index}: T${index} = ${JSON.stringify(m.doc, null, 2)};`.split('\n'));
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    name === fileName ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(fileName)).map((diagnostic) => {
    const line = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line : 0;
    const index = starts.filter((start) => start <= line).length - 1;
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    return `${index >= 0 ? label(manifests[index]) : fileName}: ${message}`;
  });
}

/** The environment variables Tessera's code reads (its configuration names them literally). */
export function knownVariables(dir = join(ROOT, 'src')): Set<string> {
  const names = new Set(RUNTIME_VARIABLES);
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.ts')) {
        for (const match of readFileSync(child, 'utf8').matchAll(/\b(?:TESSERA_[A-Z0-9_]+|DATABASE_URL|NODE_ENV|PORT|OTEL_[A-Z0-9_]+)\b/g)) names.add(match[0]);
      }
    }
  };
  walk(dir);
  return names;
}

const get = (value: unknown, ...path: Array<string | number>): unknown =>
  path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined), value);
const asArray = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const sameLabels = (a: unknown, b: unknown): boolean => JSON.stringify(Object.entries((a as Json) ?? {}).sort()) === JSON.stringify(Object.entries((b as Json) ?? {}).sort());

/** 3. What Tessera needs from its manifests. */
export function tesseraProblems(manifests: Manifest[], variables = knownVariables()): string[] {
  const problems: string[] = [];
  const of = (kind: string) => manifests.filter((m) => m.doc.kind === kind);
  const named = (kind: string, name: unknown) => of(kind).some((m) => get(m.doc, 'metadata', 'name') === name);
  const configMaps = of('ConfigMap');
  const secrets = of('Secret');
  const config = Object.assign({}, ...configMaps.map((m) => (m.doc.data as Json) ?? {})) as Record<string, string>;
  const secretKeys = secrets.flatMap((m) => [...Object.keys((m.doc.stringData as Json) ?? {}), ...Object.keys((m.doc.data as Json) ?? {})]);

  for (const key of [...Object.keys(config), ...secretKeys]) {
    if (!variables.has(key)) problems.push(`ConfigMap/Secret key ${key}: Tessera reads no such variable`);
  }
  for (const key of ['DATABASE_URL', 'TESSERA_TOKEN_PEPPER']) {
    if (!secretKeys.includes(key)) problems.push(`${key}: must come from a Secret`);
    if (key in config) problems.push(`${key}: is a secret, not a ConfigMap value`);
  }

  const workloads = [...of('Deployment'), ...of('Job')];
  for (const m of workloads) {
    const pod = get(m.doc, 'spec', 'template', 'spec') as Json;
    if (get(pod, 'securityContext', 'runAsNonRoot') !== true) problems.push(`${label(m)}: pod securityContext.runAsNonRoot must be true`);
    for (const container of [...asArray(pod.initContainers), ...asArray(pod.containers)]) {
      const where = `${label(m)} container ${String(container.name)}`;
      if (get(container, 'securityContext', 'readOnlyRootFilesystem') !== true) problems.push(`${where}: readOnlyRootFilesystem must be true`);
      if (get(container, 'securityContext', 'allowPrivilegeEscalation') !== false) problems.push(`${where}: allowPrivilegeEscalation must be false`);
      if (!get(container, 'resources', 'requests') || !get(container, 'resources', 'limits', 'memory')) problems.push(`${where}: needs resource requests and a memory limit`);
      for (const source of asArray(container.envFrom)) {
        const configMap = get(source, 'configMapRef', 'name');
        const secret = get(source, 'secretRef', 'name');
        if (configMap !== undefined && !named('ConfigMap', configMap)) problems.push(`${where}: ConfigMap ${String(configMap)} is not in the set`);
        if (secret !== undefined && !named('Secret', secret)) problems.push(`${where}: Secret ${String(secret)} is not in the set`);
      }
      for (const variable of asArray(container.env)) {
        if (!variables.has(String(variable.name))) problems.push(`${where}: Tessera reads no variable ${String(variable.name)}`);
      }
    }
  }

  const deployments = of('Deployment');
  if (deployments.length !== 1) problems.push(`expected one Deployment, found ${deployments.length}`);
  for (const m of deployments) {
    const replicas = Number(get(m.doc, 'spec', 'replicas') ?? 1);
    const podLabels = get(m.doc, 'spec', 'template', 'metadata', 'labels');
    if (replicas < 2) problems.push(`${label(m)}: needs at least 2 replicas`);
    const pod = get(m.doc, 'spec', 'template', 'spec') as Json;
    const server = asArray(pod.containers)[0] ?? {};
    if (get(server, 'readinessProbe', 'httpGet', 'path') !== '/readyz') problems.push(`${label(m)}: readinessProbe must GET /readyz`);
    if (get(server, 'livenessProbe', 'httpGet', 'path') !== '/healthz') problems.push(`${label(m)}: livenessProbe must GET /healthz`);
    const preStop = asArray(get(server, 'lifecycle', 'preStop', 'exec', 'command') as unknown);
    const sleep = preStop[0] === ('sleep' as unknown) ? Number(preStop[1]) : NaN;
    if (!(sleep > 0)) problems.push(`${label(m)}: needs a preStop ["sleep", N] so endpoints are removed before SIGTERM`);
    const grace = Number(config.TESSERA_SHUTDOWN_GRACE_SECONDS ?? 10);
    const termination = Number(pod.terminationGracePeriodSeconds ?? 30);
    if (!(termination > (sleep || 0) + grace)) {
      problems.push(`${label(m)}: terminationGracePeriodSeconds (${termination}) must exceed the preStop sleep (${sleep}) + TESSERA_SHUTDOWN_GRACE_SECONDS (${grace})`);
    }
    for (const service of of('Service')) {
      if (!sameLabels(get(service.doc, 'spec', 'selector'), podLabels)) problems.push(`${label(service)}: selector does not match the Deployment's pod labels`);
    }
    const budgets = of('PodDisruptionBudget');
    if (!budgets.length) problems.push('a PodDisruptionBudget is required');
    for (const budget of budgets) {
      if (!sameLabels(get(budget.doc, 'spec', 'selector', 'matchLabels'), podLabels)) problems.push(`${label(budget)}: selector does not match the Deployment's pod labels`);
      const minAvailable = get(budget.doc, 'spec', 'minAvailable');
      if (typeof minAvailable === 'number' && minAvailable >= replicas) problems.push(`${label(budget)}: minAvailable ${minAvailable} would block every eviction of ${replicas} replicas`);
    }
  }
  if (!of('Job').some((m) => JSON.stringify(get(m.doc, 'spec', 'template', 'spec', 'containers')).includes('migration:run'))) {
    problems.push('a Job running the migrations (migration:run) is required');
  }
  return problems;
}

/** Compose durations: 25s, 1m30s, 2m. */
const seconds = (value: unknown): number => {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(String(value ?? ''));
  return match && String(value) ? Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0) : NaN;
};

/** docker/compose.yaml: the same rules for the services built from docker/Dockerfile. */
export function composeProblems(file = join(ROOT, 'docker', 'compose.yaml'), variables = knownVariables()): string[] {
  const problems: string[] = [];
  const compose = parse(readFileSync(file, 'utf8'), { merge: true }) as { services: Record<string, Json> };
  const tessera = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);
  for (const [name, service] of tessera) {
    for (const key of Object.keys((service.environment as Json) ?? {})) {
      if (!variables.has(key)) problems.push(`compose service ${name}: Tessera reads no variable ${key}`);
    }
  }
  const server = compose.services.tessera;
  if (!server) return [...problems, 'compose: no tessera service'];
  const environment = (server.environment as Record<string, string>) ?? {};
  if (Number(get(server, 'deploy', 'replicas') ?? 1) < 2) problems.push('compose service tessera: needs deploy.replicas >= 2');
  if (environment.TESSERA_TRUST_PROXY !== '1') problems.push('compose service tessera: TESSERA_TRUST_PROXY must be "1" (one proxy in front)');
  if (!JSON.stringify(get(server, 'healthcheck', 'test')).includes('/readyz')) problems.push('compose service tessera: healthcheck must ask /readyz');
  const grace = Number(environment.TESSERA_SHUTDOWN_GRACE_SECONDS ?? 10);
  if (!(seconds(server.stop_grace_period ?? '10s') > grace)) {
    problems.push(`compose service tessera: stop_grace_period (${String(server.stop_grace_period ?? '10s')}) must exceed TESSERA_SHUTDOWN_GRACE_SECONDS (${grace})`);
  }
  const migrations = Object.entries((server.depends_on as Record<string, Json>) ?? {}).filter(([dependency]) =>
    JSON.stringify(compose.services[dependency]?.command ?? '').includes('migration:run'),
  );
  if (!migrations.some(([, condition]) => condition.condition === 'service_completed_successfully')) {
    problems.push('compose service tessera: must depend on the migration service with condition service_completed_successfully');
  }
  return problems;
}

export function checkDeploy(dir = join(ROOT, 'deploy')): string[] {
  try {
    modelsDir();
  } catch {
    return ['kubernetes-models is not installed (a devDependency: run npm ci): the schema checks cannot run'];
  }
  const { manifests, problems } = loadKustomization(dir);
  const variables = knownVariables();
  return [...problems, ...schemaProblems(manifests), ...unknownFieldProblems(manifests), ...tesseraProblems(manifests, variables), ...composeProblems(undefined, variables)];
}

if (require.main === module) {
  const problems = checkDeploy(process.argv[2] ?? undefined);
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  process.stdout.write(problems.length ? `deploy check: ${problems.length} problem(s)\n` : 'deploy check: deploy/ and docker/compose.yaml are valid\n');
  process.exitCode = problems.length ? 1 : 0;
}
