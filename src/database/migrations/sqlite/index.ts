import { Identity1795456949030 } from './1795456949030-Identity';
import { AccessTokens1795457664514 } from './1795457664514-AccessTokens';
import { TokenUsage1795457979783 } from './1795457979783-TokenUsage';
import { TokenUsageCount1795459974489 } from './1795459974489-TokenUsageCount';
import { ClientTokens1795461530389 } from './1795461530389-ClientTokens';
import { TokenListIndexes1795463112072 } from './1795463112072-TokenListIndexes';
import { OAuthClientSecrets1796036331508 } from './1796036331508-OAuthClientSecrets';
import { RefreshReuseGrace1796037264460 } from './1796037264460-RefreshReuseGrace';
import { AccountValidityEnded1796038559420 } from './1796038559420-AccountValidityEnded';
import { TokenAddressAllowlists1796038824636 } from './1796038824636-TokenAddressAllowlists';
import { LeakAndStaleTokens1796038980693 } from './1796038980693-LeakAndStaleTokens';
import { WebhookOutbox1796039372864 } from './1796039372864-WebhookOutbox';
import { TokenRevocationEvents1796040475297 } from './1796040475297-TokenRevocationEvents';
import { PepperIds1796040900001 } from './1796040900001-PepperIds';
import { RotationOverlap1796041838556 } from './1796041838556-RotationOverlap';

/** Applied in order; scripts/generate-migration.sh adds each new migration here. */
export const SQLITE_MIGRATIONS = [Identity1795456949030, AccessTokens1795457664514, TokenUsage1795457979783, TokenUsageCount1795459974489, ClientTokens1795461530389, TokenListIndexes1795463112072, OAuthClientSecrets1796036331508, RefreshReuseGrace1796037264460, AccountValidityEnded1796038559420, TokenAddressAllowlists1796038824636, LeakAndStaleTokens1796038980693, WebhookOutbox1796039372864, TokenRevocationEvents1796040475297, PepperIds1796040900001, RotationOverlap1796041838556];
