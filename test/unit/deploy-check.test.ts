import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Manifest, checkDeploy, composeProblems, loadKustomization, schemaProblems, tesseraProblems, unknownFieldProblems } from '../../scripts/check-deploy';

const root = join(__dirname, '..', '..');
const manifests = (): Manifest[] => loadKustomization(join(root, 'deploy')).manifests;
// Manifests are edited freely here, as a person edits the YAML.
type Doc = Record<string, any>;

/** The repository's manifests with one change made to the first manifest of a kind. */
function changed(kind: string, change: (doc: Doc) => void): Manifest[] {
  const all = manifests();
  change(all.find((m) => m.doc.kind === kind)!.doc);
  return all;
}
const pod = (doc: Doc) => doc.spec.template.spec;

describe('the offline deploy check (npm run lint:deploy)', () => {
  it('passes on deploy/ and docker/compose.yaml as committed', () => {
    expect(checkDeploy()).toEqual([]);
  });

  it('lists every kind the issue asks for', () => {
    expect(manifests().map((m) => m.doc.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Job', 'Namespace', 'PodDisruptionBudget', 'Secret', 'Service']);
  });

  it.each<[string, string, (doc: Doc) => void, RegExp]>([
    ['a wrong type', 'Deployment', (d) => (d.spec.replicas = 'two'), /spec\/replicas must be integer/],
    ['a missing required field', 'Deployment', (d) => delete pod(d).containers, /must have required property containers/],
    ['a port that is not a number', 'Service', (d) => (d.spec.ports[0].port = 'eighty'), /port must be integer/],
    ['an unknown kind', 'PodDisruptionBudget', (d) => (d.kind = 'PodDisruptionBudgets'), /no schema for apiVersion policy\/v1/],
  ])('refuses %s against the Kubernetes schema', (_, kind, change, message) => {
    expect(schemaProblems(changed(kind, change)).join('\n')).toMatch(message);
  });

  it.each<[string, (doc: Doc) => void, RegExp]>([
    ['a misspelt probe', (d) => (pod(d).containers[0].readinessProbee = pod(d).containers[0].readinessProbe), /'"readinessProbee"' does not exist in type 'IContainer'/],
    ['a misplaced field', (d) => (d.spec.terminationGracePeriodSeconds = 30), /'"terminationGracePeriodSeconds"' does not exist/],
  ])('refuses %s as an unknown field (kubeconform -strict)', (_, change, message) => {
    const problems = unknownFieldProblems(changed('Deployment', change));
    expect(problems.join('\n')).toMatch(message);
    expect(problems.join('\n')).toMatch(/deploy\/deployment\.yaml \(Deployment tessera\)/);
  });

  it('finds no unknown field in the committed manifests', () => {
    expect(unknownFieldProblems(manifests())).toEqual([]);
  });

  it.each<[string, string, (doc: Doc) => void, RegExp]>([
    ['readiness not on /readyz', 'Deployment', (d) => (pod(d).containers[0].readinessProbe.httpGet.path = '/healthz'), /readinessProbe must GET \/readyz/],
    ['liveness not on /healthz', 'Deployment', (d) => (pod(d).containers[0].livenessProbe.httpGet.path = '/readyz'), /livenessProbe must GET \/healthz/],
    ['no preStop sleep', 'Deployment', (d) => delete pod(d).containers[0].lifecycle, /preStop/],
    ['a grace period shorter than preStop + drain', 'Deployment', (d) => (pod(d).terminationGracePeriodSeconds = 20), /terminationGracePeriodSeconds \(20\) must exceed/],
    ['a drain longer than the grace period', 'ConfigMap', (d) => (d.data.TESSERA_SHUTDOWN_GRACE_SECONDS = '30'), /TESSERA_SHUTDOWN_GRACE_SECONDS \(30\)/],
    ['one replica', 'Deployment', (d) => (d.spec.replicas = 1), /at least 2 replicas/],
    ['a root container', 'Deployment', (d) => (pod(d).securityContext.runAsNonRoot = false), /runAsNonRoot must be true/],
    ['a writable root filesystem', 'Job', (d) => (pod(d).containers[0].securityContext.readOnlyRootFilesystem = false), /container migrate: readOnlyRootFilesystem/],
    ['a variable Tessera does not read', 'ConfigMap', (d) => (d.data.TESSERA_TRUST_PROXIES = '1'), /TESSERA_TRUST_PROXIES: Tessera reads no such variable/],
    ['the pepper in a ConfigMap', 'ConfigMap', (d) => (d.data.TESSERA_TOKEN_PEPPER = 'x'.repeat(32)), /TESSERA_TOKEN_PEPPER: is a secret/],
    ['a missing Secret reference', 'Deployment', (d) => (pod(d).containers[0].envFrom[1].secretRef.name = 'other'), /Secret other is not in the set/],
    ['a Service that selects nothing', 'Service', (d) => (d.spec.selector = { app: 'tessera' }), /Service tessera\): selector does not match/],
    ['a budget that blocks every drain', 'PodDisruptionBudget', (d) => (d.spec.minAvailable = 2), /would block every eviction/],
    ['no migration Job', 'Job', (d) => (pod(d).containers[0].command = ['node', 'dist/src/main.js']), /migration:run/],
  ])('refuses %s', (_, kind, change, message) => {
    expect(tesseraProblems(changed(kind, change)).join('\n')).toMatch(message);
  });

  describe('docker/compose.yaml', () => {
    const compose = readFileSync(join(root, 'docker', 'compose.yaml'), 'utf8');
    const check = (text: string) => {
      const file = join(mkdtempSync(join(tmpdir(), 'tessera-compose-')), 'compose.yaml');
      writeFileSync(file, text);
      return composeProblems(file).join('\n');
    };

    it('passes as committed', () => {
      expect(check(compose)).toBe('');
    });

    it.each<[string, [string | RegExp, string], RegExp]>([
      ['a stop grace period shorter than the drain', ['stop_grace_period: 25s', 'stop_grace_period: 15s'], /stop_grace_period \(15s\) must exceed TESSERA_SHUTDOWN_GRACE_SECONDS \(15\)/],
      ['a wrong proxy count', ['TESSERA_TRUST_PROXY: "1"', 'TESSERA_TRUST_PROXY: "2"'], /TESSERA_TRUST_PROXY must be "1"/],
      ['a health check on /healthz', ["fetch('http://127.0.0.1:4000/readyz')", "fetch('http://127.0.0.1:4000/healthz')"], /healthcheck must ask \/readyz/],
      ['replicas that start before the migrations', ['condition: service_completed_successfully', 'condition: service_started'], /service_completed_successfully/],
      ['a variable Tessera does not read', ['TESSERA_TRUST_PROXY: "1"', 'TESSERA_TRUST_PROXY: "1"\n      TESSERA_GRACE: "1"'], /Tessera reads no variable TESSERA_GRACE/],
      ['one replica', ['replicas: 2', 'replicas: 1'], /deploy.replicas >= 2/],
    ])('refuses %s', (_, [from, to], message) => {
      expect(compose).toMatch(from);
      expect(check(compose.replace(from, to))).toMatch(message);
    });
  });
});
