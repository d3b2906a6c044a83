import { ValidationError, validate } from 'class-validator';
import { ValidatorFn } from 'type-graphql';
import { AppError, ErrorCode } from '../errors/app-error';
import { validationFields } from '../errors/format-error';

const OPTIONS = { forbidUnknownValues: false, skipMissingProperties: true, validationError: { target: false, value: false } };

const sameKeys = (a: object, b: object): boolean => {
  const left = Object.keys(a).sort();
  const right = Object.keys(b).sort();
  return left.length === right.length && left.every((key, i) => key === right[i]);
};

/**
 * class-validator on every input and args object, with failing fields named by their full
 * argument path (`input.name`, or `first` for top-level arguments), like every other BAD_USER_INPUT.
 */
export const validateArgs: ValidatorFn = async (argValue, _argType, { args }) => {
  if (argValue === null || typeof argValue !== 'object' || argValue instanceof Date) return;
  const values: object[] = Array.isArray(argValue) ? argValue.filter((v) => v && typeof v === 'object') : [argValue];
  const errors: ValidationError[] = (await Promise.all(values.map((value) => validate(value, OPTIONS)))).flat();
  if (!errors.length) return;
  // An input-type argument arrives as one named argument; an args-type object spreads over all of them.
  const argument = Object.entries(args).find(([, raw]) => raw && typeof raw === 'object' && !Array.isArray(raw) && sameKeys(raw, argValue))?.[0];
  const fields = validationFields(errors, argument ?? '');
  throw new AppError(ErrorCode.BAD_USER_INPUT, `Invalid input: ${[...new Set(fields.map((f) => f.field))].join(', ')}`, { fields });
};
