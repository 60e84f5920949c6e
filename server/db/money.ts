import { Prisma } from "./generated/client";

// Money is an integer count of the asset's atomic units (STYLE 2.6), stored in Decimal(78,0) so a
// uint256 fits, and handled as bigint in code. These two are the only crossings between the two
// representations; neither goes through a JS number, so no value is ever rounded.

const MAX_DIGITS = 78;
const INTEGER_STRING = /^-?\d+$/;

/** A Decimal(78,0) column value (or its decimal string) as a bigint; throws on fractions. */
export function toAtomic(value: Prisma.Decimal | string): bigint {
  if (typeof value === "string") {
    const trimmed = value.trim();
    if (!INTEGER_STRING.test(trimmed)) {
      throw new RangeError(`toAtomic: "${value}" is not an integer count of atomic units`);
    }
    return BigInt(trimmed);
  }
  if (!value.isFinite() || !value.isInteger()) {
    throw new RangeError(`toAtomic: ${value.toString()} is not an integer count of atomic units`);
  }
  // toFixed() without arguments never uses exponent notation, unlike toString() for 1e21 and up.
  return BigInt(value.toFixed());
}

/** A bigint as the Decimal Prisma writes to a Decimal(78,0) column; throws when it can't fit. */
export function fromAtomic(value: bigint): Prisma.Decimal {
  const digits = (value < 0n ? -value : value).toString();
  if (digits.length > MAX_DIGITS) {
    throw new RangeError(`fromAtomic: ${value} has more than ${MAX_DIGITS} digits`);
  }
  return new Prisma.Decimal(value.toString());
}
