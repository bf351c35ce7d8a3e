'use client';

import { useFormContext } from 'react-hook-form';
import type { MetricInput } from '@/lib/metrics/schemas';
import type { MetricFormValues } from './form-values';

/** The metric form's react-hook-form context, typed once for every part of the form. */
export function useMetricForm() {
  return useFormContext<MetricFormValues, unknown, MetricInput>();
}
