// The writer's lease in a cluster: a coordination.k8s.io/v1 Lease, taken and renewed the way
// client-go's leader election does it (optimistic concurrency on resourceVersion; a lease counts as
// expired when this replica has seen no renewal for leaseDurationSeconds by its own clock, so clock
// skew between nodes does not matter). The holder's identity is its replica address, which the
// followers forward writes to.
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { WriterSettings } from '../settings.js';
import { LockFileElection, PollingElection, type WriterElection } from './election.js';

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface KubernetesApi {
  /** https://host:port of the API server. */
  server: string;
  /** The bearer token (read at each call: projected tokens rotate). */
  token: () => string;
  ca?: string;
  namespace: string;
}

/** The API server as a pod sees it (in-cluster configuration). */
export function inClusterApi(namespace: string | null): KubernetesApi {
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT ?? '443';
  if (!host)
    throw new Error(
      'MIMSY_WRITER_ELECTION=kubernetes needs to run in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set).',
    );
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    token: () => readFileSync(`${SERVICE_ACCOUNT}/token`, 'utf8').trim(),
    ca: readFileSync(`${SERVICE_ACCOUNT}/ca.crt`, 'utf8'),
    namespace: namespace ?? readFileSync(`${SERVICE_ACCOUNT}/namespace`, 'utf8').trim(),
  };
}

/** The election the settings ask for. */
export function electionFor(settings: WriterSettings): WriterElection {
  if (settings.election === 'lock-file') return new LockFileElection(settings.self, settings.lockFile);
  return new KubernetesLeaseElection(settings.self, inClusterApi(settings.namespace), settings.lease);
}

interface Lease {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number;
  };
}

/** Kubernetes' MicroTime: RFC 3339 with microseconds. */
function microTime(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class KubernetesLeaseElection extends PollingElection {
  private observed: { record: string; at: number } | null = null;
  private holder: string | null = null;
  private lastRenewed = 0;

  constructor(
    self: string,
    private readonly api: KubernetesApi,
    private readonly name: string,
    /** client-go's defaults, shortened: a dead writer is replaced within about 15 s. */
    private readonly durationSeconds = 15,
    retryMs = 2000,
  ) {
    super(self, retryMs);
  }

  private get path(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.api.namespace)}/leases`;
  }

  async writer(): Promise<string | null> {
    if (this.leading) return this.self;
    return this.holder && !this.expired() ? this.holder : null;
  }

  private expired(): boolean {
    return !this.observed || this.observed.at + this.durationSeconds * 1000 < Date.now();
  }

  protected async attempt(): Promise<void> {
    const now = new Date();
    const current = await this.call<Lease>('GET', `${this.path}/${this.name}`);
    if (current.status === 404) {
      const made = await this.call<Lease>('POST', this.path, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.name, namespace: this.api.namespace },
        spec: {
          holderIdentity: this.self,
          leaseDurationSeconds: this.durationSeconds,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0,
        },
      });
      this.took(made.status === 201 || made.status === 200, made.body);
      return;
    }
    if (current.status !== 200 || !current.body) {
      this.renewFailed();
      return;
    }
    const lease = current.body;
    const record = JSON.stringify(lease.spec);
    if (!this.observed || this.observed.record !== record) this.observed = { record, at: Date.now() };
    this.holder = lease.spec.holderIdentity || null;
    const mine = this.holder === this.self;
    if (!mine && this.holder && !this.expired()) {
      this.set(false);
      return;
    }
    const updated: Lease = {
      ...lease,
      spec: {
        ...lease.spec,
        holderIdentity: this.self,
        leaseDurationSeconds: this.durationSeconds,
        renewTime: microTime(now),
        ...(mine
          ? {}
          : { acquireTime: microTime(now), leaseTransitions: (lease.spec.leaseTransitions ?? 0) + 1 }),
      },
    };
    const put = await this.call<Lease>('PUT', `${this.path}/${this.name}`, updated);
    if (put.status === 200) this.took(true, put.body);
    else if (mine) this.renewFailed();
    // 409: another replica updated it first; it is theirs until it expires.
  }

  private took(ok: boolean, lease: Lease | null): void {
    if (!ok || !lease) return this.renewFailed();
    this.observed = { record: JSON.stringify(lease.spec), at: Date.now() };
    this.holder = this.self;
    this.lastRenewed = Date.now();
    this.set(true);
  }

  /** A writer that cannot renew for most of the lease's duration stops writing before it expires. */
  private renewFailed(): void {
    if (this.leading && Date.now() - this.lastRenewed > (this.durationSeconds * 1000 * 2) / 3)
      this.set(false);
  }

  /** Steps down at once (client-go's ReleaseOnCancel): the lease expires a second from now. */
  protected async release(): Promise<void> {
    const current = await this.call<Lease>('GET', `${this.path}/${this.name}`);
    if (current.status !== 200 || current.body?.spec.holderIdentity !== this.self) return;
    await this.call('PUT', `${this.path}/${this.name}`, {
      ...current.body,
      spec: { ...current.body.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime() },
    });
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T | null }> {
    const url = new URL(path, this.api.server);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        {
          method,
          headers: {
            authorization: `Bearer ${this.api.token()}`,
            accept: 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.byteLength } : {}),
          },
          ...(this.api.ca ? { ca: this.api.ca } : {}),
          timeout: 5000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let parsed: T | null = null;
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
            } catch {
              parsed = null;
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('the Kubernetes API did not answer in time')));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }
}
