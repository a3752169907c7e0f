import type { JobHandlers } from "../handler";
import { alertSweep } from "./alert-sweep";
import { digest } from "./digest";
import { eventRetention } from "./event-retention";
import { priceFeed } from "./price-feed";
import { priceRetention } from "./price-retention";
import { providerKeyRotation } from "./provider-key-rotation";
import { receiptPruning } from "./receipt-pruning";
import { sleep } from "./sleep";

/**
 * The handler of every kind in JOB_KINDS (src/domain/jobs/schema.ts). Adding a
 * kind: its entry there (params schema, description), one file here, one line
 * below; a kind without a handler does not compile.
 */
export const HANDLERS: JobHandlers = {
  digest,
  "event-retention": eventRetention,
  "receipt-pruning": receiptPruning,
  "provider-key-rotation": providerKeyRotation,
  "alert-sweep": alertSweep,
  "price-feed": priceFeed,
  "price-retention": priceRetention,
  sleep,
};
