import { Identity1795456945282 } from './1795456945282-Identity';
import { AccessTokens1795457658868 } from './1795457658868-AccessTokens';
import { TokenUsage1795457975332 } from './1795457975332-TokenUsage';
import { TokenUsageCount1795459970084 } from './1795459970084-TokenUsageCount';
import { RateLimits1795461432086 } from './1795461432086-RateLimits';
import { ClientTokens1795461525439 } from './1795461525439-ClientTokens';
import { TokenListIndexes1795463106225 } from './1795463106225-TokenListIndexes';
import { OAuthClientSecrets1796036322829 } from './1796036322829-OAuthClientSecrets';
import { RefreshReuseGrace1796037256104 } from './1796037256104-RefreshReuseGrace';
import { AccountValidityEnded1796038555031 } from './1796038555031-AccountValidityEnded';
import { TokenAddressAllowlists1796038818984 } from './1796038818984-TokenAddressAllowlists';
import { LeakAndStaleTokens1796038975170 } from './1796038975170-LeakAndStaleTokens';
import { WebhookOutbox1796039361397 } from './1796039361397-WebhookOutbox';
import { TokenRevocationEvents1796040475294 } from './1796040475294-TokenRevocationEvents';
import { PepperIds1796040900000 } from './1796040900000-PepperIds';
import { RotationOverlap1796041834416 } from './1796041834416-RotationOverlap';

/** Applied in order; scripts/generate-migration.sh adds each new migration here. */
export const MYSQL_MIGRATIONS = [Identity1795456945282, AccessTokens1795457658868, TokenUsage1795457975332, TokenUsageCount1795459970084, RateLimits1795461432086, ClientTokens1795461525439, TokenListIndexes1795463106225, OAuthClientSecrets1796036322829, RefreshReuseGrace1796037256104, AccountValidityEnded1796038555031, TokenAddressAllowlists1796038818984, LeakAndStaleTokens1796038975170, WebhookOutbox1796039361397, TokenRevocationEvents1796040475294, PepperIds1796040900000, RotationOverlap1796041834416];
