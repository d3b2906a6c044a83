import { ValidationOptions, isEmail, registerDecorator } from 'class-validator';
import { TEXT_LENGTH } from '../database/columns';

/** How a bounded text input may look. */
export interface TextRule {
  /** Most characters, counted in code points as the column counts them (see TEXT_LENGTH). */
  max: number;
  /** Fewest characters; from 1 on, blank text (stored trimmed, so empty) is refused too. */
  min?: number;
  /** Line feeds and tabs are allowed (multi-line descriptions); other control characters never are. */
  multiline?: boolean;
  /** The text must be an e-mail address. */
  email?: boolean;
}

// Characters no stored text may hold: control characters (NUL, CR, ESC, C1…), line and paragraph
// separators, the bidirectional embeddings, overrides and isolates that make text display in another
// order than it is stored (Trojan Source), the byte-order mark, noncharacters and lone surrogates.
const FORBIDDEN = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF\p{Noncharacter_Code_Point}\p{Cs}]/u;
const FORBIDDEN_MULTILINE = /[^\P{Cc}\t\n]|[\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF\p{Noncharacter_Code_Point}\p{Cs}]/u;
const VISIBLE = /[^\s\p{Cc}\p{Cf}\p{Z}\p{M}]/u;

/** Length in code points: what utf8mb4 `varchar(N)` counts (class-validator's isLength does not count variation selectors). */
export const codePointLength = (text: string): number => {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
};

/** Whether `text` holds only characters a stored text may hold (see FORBIDDEN). */
export const isPrintableText = (text: string, multiline = false): boolean => !(multiline ? FORBIDDEN_MULTILINE : FORBIDDEN).test(text);

function constraint(name: string, options: ValidationOptions | undefined, message: string, test: (text: string) => boolean): PropertyDecorator {
  return (target, property) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: property as string,
      options: { message, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && test(value) },
    });
}

/**
 * The one rule for bounded text inputs (names, descriptions, e-mails, reasons…): at most `max`
 * code points, so it fits its column on every database, and no control, bidirectional-override or
 * byte-order-mark character. Each failing part is reported as its own constraint of the field.
 */
export function IsText(rule: TextRule, options?: ValidationOptions): PropertyDecorator {
  const { max, min = 0, multiline = false, email = false } = rule;
  const decorators = [
    constraint('isLength', options, min ? `$property must be ${min} to ${max} characters long` : `$property must be at most ${max} characters long`, (text) => {
      const length = codePointLength(text);
      return length >= min && length <= max;
    }),
    constraint('isPrintable', options, multiline
      ? '$property must not contain control characters other than line feeds and tabs, bidirectional overrides or byte-order marks'
      : '$property must not contain control characters, line breaks, bidirectional overrides or byte-order marks', (text) => isPrintableText(text, multiline)),
    ...(min ? [constraint('isNotBlank', options, '$property must not be blank', (text) => VISIBLE.test(text))] : []),
    // validator.js can throw on text it cannot parse: that is not an e-mail address either.
    ...(email ? [constraint('isEmail', options, '$property must be an email', (text) => isPrintableText(text) && safely(() => isEmail(text)))] : []),
  ];
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
}

const safely = (test: () => boolean): boolean => {
  try {
    return test();
  } catch {
    return false;
  }
};

/** A display name: 1 to 100 characters, not blank, on one line. */
export const IsName = (): PropertyDecorator => IsText({ min: 1, max: TEXT_LENGTH.name });

/** A free-text description of up to 500 characters; it may span lines. */
export const IsDescription = (): PropertyDecorator => IsText({ max: TEXT_LENGTH.description, multiline: true });

/** An e-mail address of up to 254 characters. */
export const IsEmailAddress = (): PropertyDecorator => IsText({ max: TEXT_LENGTH.email, email: true });
