import { hash, verify } from '@node-rs/argon2';

// argon2id with OWASP's first recommended parameter set (m=19 MiB, t=2, p=1), which meets
// ASVS 5.0 V11.4 and NIST SP 800-63B's call for a memory-hard function. 2 = Algorithm.Argon2id
// (a const enum, which isolated-module compilation cannot inline).
const ARGON2ID_OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

// Verified against when the account does not exist, so both paths cost one argon2 verification.
let decoyHash: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID_OPTIONS);
}

/** Constant-work verification: a missing hash still runs one argon2 verification. */
export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    decoyHash ??= hashPassword('tessera-decoy-password');
    await verify(await decoyHash, password);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}
