"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { toast } from "sonner";
import { useLiveRegistration } from "../live/live-provider";
import type { LiveRegistration } from "../live/registry";
import { errorMessage, trpc } from "../live/trpc";
import { DigestToast } from "./components/digest-toast";
import { createJobsStore, type JobsState, type JobsStore } from "./store";

const RUNS_PAGE = 10;

interface JobsLoader {
  /** Reads the list (and the first page of every history shown); the store orders the answers. */
  refetch(): void;
  loadList(): void;
  loadRuns(jobId: string, cursor?: string): void;
  /** Counts the pages showing jobs: nothing is fetched while none is (events still apply). */
  watch(): () => void;
}

interface JobsLive {
  store: JobsStore;
  loader: JobsLoader;
  loadError: string | null;
}

const JobsLiveContext = createContext<JobsLive | null>(null);

/**
 * The trader's jobs and their runs, on every page: `job.*` and `jobRun.*`
 * events apply wherever the trader is, and the list is read when the Jobs page
 * opens, and again after a resync while it is open.
 */
export function JobsLive({ children }: { children: ReactNode }) {
  const [store] = useState(createJobsStore);
  const utils = trpc.useUtils();
  const [loadError, setLoadError] = useState<string | null>(null);

  const loader = useMemo<JobsLoader>(() => {
    const { jobs } = utils.client;
    let watchers = 0;
    const loadList = () => {
      const mark = store.beginRead();
      jobs.list
        .query()
        .then((list) => {
          store.applyList(mark, list);
          setLoadError(null);
        })
        .catch((error: unknown) => setLoadError(errorMessage(error)));
    };
    const loadRuns = (jobId: string, cursor?: string) => {
      const mark = store.beginRead();
      jobs.runs
        .query({ id: jobId, limit: RUNS_PAGE, ...(cursor !== undefined && { cursor }) })
        .then((page) => store.applyRunsPage(jobId, mark, page, cursor))
        // NOT_FOUND: deleted meanwhile; its job.deleted event (or the next list) removes it.
        .catch(() => undefined);
    };
    return {
      loadList,
      loadRuns,
      refetch: () => {
        if (watchers === 0) return;
        loadList();
        for (const [jobId, history] of store.get().histories) if (history.loaded) loadRuns(jobId);
      },
      watch: () => {
        watchers++;
        return () => void watchers--;
      },
    };
  }, [store, utils]);

  useLiveRegistration(
    useMemo<LiveRegistration<"job">>(
      () => ({ entity: "job", apply: (event) => store.applyJobEvent(event.seq, event.type, event.payload), refetch: loader.refetch }),
      [store, loader],
    ),
  );
  useLiveRegistration(
    useMemo<LiveRegistration<"jobRun">>(
      () => ({ entity: "jobRun", apply: (event) => store.applyRunEvent(event.seq, event.payload), refetch: loader.refetch }),
      [store, loader],
    ),
  );

  // A delivered digest is a notification in every open tab, once per run.
  const shownDigests = useRef(new Set<string>());
  useLiveRegistration(
    useMemo<LiveRegistration<"digest">>(
      () => ({
        entity: "digest",
        apply: (event) => {
          const digest = event.payload;
          if (shownDigests.current.has(digest.runId)) return;
          shownDigests.current.add(digest.runId);
          toast(<DigestToast digest={digest} />, { id: `digest-${digest.runId}`, duration: 30_000 });
        },
        // A digest is a moment's notice: nothing to read again after a resync.
        refetch: () => undefined,
      }),
      [],
    ),
  );

  return <JobsLiveContext.Provider value={{ store, loader, loadError }}>{children}</JobsLiveContext.Provider>;
}

function useJobsLive(): JobsLive {
  const value = useContext(JobsLiveContext);
  if (!value) throw new Error("used outside JobsLive");
  return value;
}

export const useJobsStore = (): JobsStore => useJobsLive().store;

/** The jobs as the store holds them; reads the list while mounted (once, then the stream keeps it). */
export function useJobs(): { state: JobsState; loadError: string | null } {
  const { store, loader, loadError } = useJobsLive();
  useEffect(() => {
    const unwatch = loader.watch();
    // Reread on every visit: events that arrived while no page showed jobs applied only to jobs already known.
    loader.loadList();
    return unwatch;
  }, [loader]);
  const state = useSyncExternalStore(store.subscribe, store.get, store.get);
  return { state, loadError };
}

/** Loads a job's first page of runs once; `more()` loads the next older page. */
export function useRunHistory(jobId: string): { more(): void } {
  const { store, loader } = useJobsLive();
  useEffect(() => {
    if (!store.get().histories.get(jobId)?.loaded) loader.loadRuns(jobId);
  }, [store, loader, jobId]);
  const more = useCallback(() => {
    const cursor = store.get().histories.get(jobId)?.nextCursor;
    if (cursor) loader.loadRuns(jobId, cursor);
  }, [store, loader, jobId]);
  return { more };
}
