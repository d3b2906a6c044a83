import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { Authenticated, Public } from '../../core/authorization/access-directives';
import { RequestContext } from '../../core/context/request-context';
import { LoginInput, LoginPayload, LogoutPayload } from './session.types';

@Resolver()
export class SessionResolver {
  @Public()
  @Mutation(() => LoginPayload, { description: 'Signs in with e-mail and password. Failed attempts are throttled per account and per client address (RATE_LIMITED).' })
  login(@Ctx() ctx: RequestContext, @Arg('input', () => LoginInput, { description: 'Credentials.' }) input: LoginInput): Promise<LoginPayload> {
    return ctx.services.sessions.login(ctx, input);
  }

  @Authenticated()
  @Mutation(() => LogoutPayload, { description: "Ends the caller's current session." })
  async logout(@Ctx() ctx: RequestContext): Promise<LogoutPayload> {
    await ctx.services.sessions.logout(ctx);
    return { success: true };
  }
}
