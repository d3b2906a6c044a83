import { Length, Matches } from 'class-validator';

/**
 * A display name: 1 to 100 characters, at least one of them not a space (names are stored
 * trimmed, so a blank one would be stored empty).
 */
export function IsName(): PropertyDecorator {
  return (target, property) => {
    Length(1, 100)(target, property);
    Matches(/\S/, { message: '$property must not be blank' })(target, property);
  };
}
