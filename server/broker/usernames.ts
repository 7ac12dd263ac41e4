// What a username may be: short, printable, no colon (the local stack's --user NAME:PASSWORD splits on it).
import { z } from 'zod';

export const usernameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._@+-]+$/, 'letters, digits and . _ @ + - only');
