import { z } from "zod";

/** Client-chosen id that makes a retried mutation change nothing the second time. */
export const requestIdSchema = z.string().min(8).max(128).regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits, _ . : - only");
