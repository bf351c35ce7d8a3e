'use client';

import {
  createContext,
  useContext,
  useMemo,
  useState,
  type Dispatch,
  type ReactNode,
  type SetStateAction,
} from 'react';
import { toDateTimeLocal } from '@/lib/annotations/time';

export type AnnotationDraftValues = {
  /** Set when editing. */
  id?: string;
  note: string;
  /** datetime-local values in the project's time zone. */
  start: string;
  end: string;
  scope: 'metric' | 'project';
};

type Draft = {
  /** The note being written or edited, or null when the form is closed. */
  editing: AnnotationDraftValues | null;
  setEditing: Dispatch<SetStateAction<AnnotationDraftValues | null>>;
  /** Starts a note at this bucket (epoch ms), or moves the start of the one being written. */
  pick: (t: number) => void;
  /** How many buckets were picked on the chart so far. */
  picks: number;
};

const DraftContext = createContext<Draft | null>(null);

export const blankAnnotation = (t: number, timeZone: string): AnnotationDraftValues => ({
  note: '',
  start: toDateTimeLocal(t, timeZone),
  end: '',
  scope: 'metric',
});

/** Links the drilldown chart and the annotation form: a click on the chart starts a note at that bucket. */
export function AnnotationDraft({ timeZone, children }: { timeZone: string; children: ReactNode }) {
  const [editing, setEditing] = useState<AnnotationDraftValues | null>(null);
  const [picks, setPicks] = useState(0);
  const draft = useMemo<Draft>(
    () => ({
      editing,
      setEditing,
      picks,
      pick: (t) => {
        setEditing((current) =>
          current ? { ...current, start: toDateTimeLocal(t, timeZone) } : blankAnnotation(t, timeZone),
        );
        setPicks((n) => n + 1);
      },
    }),
    [editing, picks, timeZone],
  );
  return <DraftContext.Provider value={draft}>{children}</DraftContext.Provider>;
}

/** The shared draft, or null outside an AnnotationDraft (the chart is then not clickable). */
export function useAnnotationDraft(): Draft | null {
  return useContext(DraftContext);
}
