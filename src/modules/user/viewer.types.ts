import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Principal, UserEntity } from './user.entity';

export enum AuthMethod {
  SESSION = 'SESSION',
  ACCESS_TOKEN = 'ACCESS_TOKEN',
}

registerEnumType(AuthMethod, {
  name: 'AuthMethod',
  description: 'How the caller authenticated this request.',
  valuesConfig: {
    SESSION: { description: 'A session token from `login`.' },
    ACCESS_TOKEN: { description: 'An access token.' },
  },
});

@ObjectType('Viewer', { description: 'The caller of this request: who it is and how it authenticated.' })
export class Viewer {
  @Field(() => ID, { description: "The acting principal's id: a stable identity for client caches (Apollo's `Viewer:<id>`)." })
  id: string;

  @Field(() => Principal, { description: 'The person or technical user acting.' })
  principal: UserEntity;

  @Field(() => UserEntity, { nullable: true, description: 'The person acting; null when a technical user acts through its token.' })
  user: UserEntity | null;

  @Field(() => AuthMethod, { description: 'How the caller authenticated.' })
  authMethod: AuthMethod;

  @Field(() => [String], { nullable: true, description: 'Scopes of the access token used; null for a session, which no scope limits.' })
  scopes: string[] | null;
}
