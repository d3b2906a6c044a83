import { RequestContext } from '../../core/context/request-context';
import { ConnectionArgs, paginate } from '../../core/pagination/connection';
import { TokenUsageEntity } from './token-usage.entity';

/** Reads the per-use trail of tokens; whoever may see a token may see its uses. */
export class TokenUsageService {
  listForToken(ctx: RequestContext, tokenId: string, page: ConnectionArgs) {
    return paginate(ctx.db.manager.createQueryBuilder(TokenUsageEntity, 'usage').where('usage.tokenId = :tokenId', { tokenId }), page);
  }
}
