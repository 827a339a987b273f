/**
 * The findings catalogue, for reports and files (it lives with the variants, whose
 * contracts it states: model/variants/findings.ts).
 */
export { FINDINGS, findingById, type Contract, type Finding, type FindingKind } from '../model/variants/findings';
