import { ValueTransformer } from 'typeorm';

/** numeric(20,0) ↔ bigint: PostgreSQL hands numerics back as strings, never as lossy floats. */
export const rials: ValueTransformer = {
  to: (value: bigint | null | undefined) => (value === null || value === undefined ? value : value.toString()),
  from: (value: string | null) => (value === null ? null : BigInt(value)),
};
