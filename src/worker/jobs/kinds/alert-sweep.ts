import { sweepAlerts } from "@/domain/alert-firing/mutations";
import type { JobHandler } from "../handler";

/** The alert sweep (docs/decisions/0012): safe to run in any process, any number of times. */
export const alertSweep: JobHandler<Record<string, never>> = async ({ db, now, signal }) => sweepAlerts(db, now(), signal);
