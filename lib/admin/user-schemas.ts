/**
 * zod schemas of /api/admin/users: usernames in plain ASCII, stored as logins look them up, passwords of
 * the same minimum length as everywhere else, roles `admin` (may change anything) and `viewer`
 * (reads only).
 */
import * as z from "zod";
import { normaliseUsername } from "../auth/admin-username";
import { MIN_ADMIN_PASSWORD_LENGTH } from "../auth/password-hash";

/** The roles an admin user can have. */
export const ADMIN_ROLES = ["admin", "viewer"] as const;

/** The same characters as `ADMIN_USERNAME`; stored lower-cased, the form logins look up. */
const username = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.@-]{3,64}$/, "must be 3-64 letters, digits or _.@-")
  .transform(normaliseUsername);
const password = z.string().min(MIN_ADMIN_PASSWORD_LENGTH, `must be at least ${MIN_ADMIN_PASSWORD_LENGTH} characters`).max(256);

/** `POST /api/admin/users` body. */
export const userCreateSchema = z.object({
  username,
  password,
  role: z.enum(ADMIN_ROLES).default("viewer"),
  isActive: z.boolean().default(true),
});

/** `PUT /api/admin/users/:id` body: any field, at least one. */
export const userUpdateSchema = z
  .object({ username, password, role: z.enum(ADMIN_ROLES), isActive: z.boolean() })
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, "at least one of username, password, role, isActive is required");
/** A validated user-update body. */
export type UserUpdate = z.infer<typeof userUpdateSchema>;
