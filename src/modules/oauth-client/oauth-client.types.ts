import { Field, ObjectType } from 'type-graphql';
import { Connection } from '../../core/pagination/connection';
import { OAuthClientEntity } from './oauth-client.entity';

export const OAuthClientConnection = Connection(OAuthClientEntity, 'OAuthClient', 'A page of OAuth clients, oldest first.');

@ObjectType({ description: 'The result of registering or changing an OAuth client.' })
export class OAuthClientPayload {
  @Field(() => OAuthClientEntity, { description: 'The client as it is now.' })
  oauthClient: OAuthClientEntity;

  @Field(() => String, { nullable: true, description: "A confidential client's new secret, after registering it or rotating its secret: shown only in this response, copy it now. Null otherwise." })
  clientSecret?: string | null;
}
