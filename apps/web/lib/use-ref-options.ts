'use client';
import { useEffect, useMemo, useState } from 'react';
import { api } from './api';
import type { CurrentDesign } from './types/design';
import type { RefOption, StaffMember } from './types/task-page';

let staffPending: Promise<StaffMember[]> | null = null;

/** `GET /staff`, fetched once per page load (names change only with a design import). */
function loadStaff(): Promise<StaffMember[]> {
  staffPending ??= api.get<StaffMember[]>('/v1/staff').catch((e: unknown) => {
    staffPending = null;
    throw e;
  });
  return staffPending;
}

/**
 * The choices of the form's reference pickers: `Operator` — the staff by name (`GET /staff`); `Service` — the
 * design's services that are not programs, by label. A kind is undefined while it loads.
 */
export function useRefOptions(design: CurrentDesign | null): Record<string, RefOption[] | undefined> {
  const [staff, setStaff] = useState<RefOption[] | undefined>(undefined);
  useEffect(() => {
    let alive = true;
    loadStaff().then(
      (all) => alive && setStaff(all.map((s) => ({ value: s.key, label: s.label }))),
      () => alive && setStaff([]),
    );
    return () => {
      alive = false;
    };
  }, []);
  return useMemo(() => {
    const services = design?.services
      .filter((s) => s.kind !== 'program')
      .map((s) => ({ value: s.key, label: s.label }))
      .sort((a, b) => a.label.localeCompare(b.label));
    return { Operator: staff, Service: services };
  }, [design, staff]);
}
