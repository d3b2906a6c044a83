import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { IsName } from '../../core/validation/text';
import { Connection } from '../../core/pagination/connection';
import { ProjectEntity } from './project.entity';

export const ProjectConnection = Connection(ProjectEntity, 'Project', 'A page of projects, oldest first.');

@InputType({ description: 'A new project in a group (group ADMINs).' })
export class CreateProjectInput {
  @Field(() => ID, { description: 'The group to create the project in.' })
  groupId: string;

  @Field({ description: 'Display name, 1 to 100 characters.' })
  @IsName()
  name: string;
}

@InputType({ description: 'A new name for a project.' })
export class UpdateProjectInput {
  @Field(() => ID, { description: 'The project.' })
  id: string;

  @Field({ description: 'Display name, 1 to 100 characters.' })
  @IsName()
  name: string;
}

@InputType({ description: 'A project to delete.' })
export class DeleteProjectInput {
  @Field(() => ID, { description: 'The project.' })
  id: string;
}

@ObjectType({ description: 'The result of creating or changing a project.' })
export class ProjectPayload {
  @Field(() => ProjectEntity, { description: 'The project as it is now.' })
  project: ProjectEntity;
}
