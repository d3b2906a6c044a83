import { deriveKey, open, seal } from '../../core/secrets/sealed-box';
import { WebhookEndpointEntity } from './webhook-endpoint.entity';

const HKDF_INFO = 'tessera webhook signing secret v1';
const HKDF_SALT = 'webhook-endpoints';

/**
 * Keeps webhook signing secrets sealed at rest under a key derived from the token pepper, bound to
 * the endpoint's id. Peppers are given current first: a secret sealed under a previous one still
 * opens, so a pepper rotation does not silence webhooks (re-register to move to the new pepper).
 */
export class WebhookSecrets {
  private readonly keys: Buffer[];

  constructor(peppers: readonly string[]) {
    this.keys = peppers.map((pepper) => deriveKey(pepper, HKDF_SALT, HKDF_INFO));
  }

  seal(endpointId: string, secret: string): string {
    return seal(this.keys[0], secret, endpointId);
  }

  /** The endpoint's secret, or null when no pepper in the ring opens it. */
  open(endpoint: Pick<WebhookEndpointEntity, 'id' | 'secretSealed'>): string | null {
    for (const key of this.keys) {
      const secret = open(key, endpoint.secretSealed, endpoint.id);
      if (secret !== null) return secret;
    }
    return null;
  }
}
