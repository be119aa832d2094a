import { zodResolver } from '@hookform/resolvers/zod';
import {
  Accordion,
  ActionIcon,
  Alert,
  Button,
  Fieldset,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { Controller, useFieldArray, useForm, useWatch, type Control, type FieldErrors, type Path } from 'react-hook-form';
import { usePatchProduct, type ProductDetail } from '../../api/products';
import { applyApiError } from '../../lib/formErrors';
import {
  EDIT_FIELD_NAMES,
  productEditSchema,
  toPatch,
  valuesFromDetail,
  type ProductEditValues,
} from '../../pages/products/editorSchema';
import {
  FEED_FIELDS,
  FEED_LIMITS,
  FIELD_GROUPS,
  MANUAL_LIMITS,
  PRIMARY_FIELDS,
  feedFieldDef,
  feedValueToString,
  type FeedFieldDef,
  type FieldGroup,
} from '../../pages/products/feedFields';
import { stripHtml } from '../../pages/products/format';
import { FormAlert } from '../FormAlert';
import { hasAiData } from './AiDataPanel';
import { CharCount } from './CharCount';

/** The DOM id of a form field (issue links focus it). */
export function fieldId(name: string): string {
  return `pe-${name.replace(/\./g, '-')}`;
}

function groupOf(name: string): FieldGroup | null {
  if (!name.startsWith('fields.')) return null;
  const key = name.slice(7);
  if ((PRIMARY_FIELDS as readonly string[]).includes(key)) return null;
  return feedFieldDef(key)?.group ?? null;
}

function errorGroups(errors: FieldErrors<ProductEditValues>): FieldGroup[] {
  const f = (errors.fields ?? {}) as Record<string, unknown>;
  return Object.keys(f)
    .map((k) => groupOf(`fields.${k}`))
    .filter((g): g is FieldGroup => g !== null);
}

/** Where an emptied field takes its value from, and that value. */
interface Fallback {
  value: string;
  source: 'AI' | 'store' | null;
}

function fallbacks(detail: ProductDetail) {
  const ai = hasAiData(detail) ? detail.ai : null;
  const item = detail.feedItems[0] ?? {};
  const m = detail.manual;
  const cats = Array.isArray(detail.woo.categories)
    ? (detail.woo.categories as { name?: unknown }[]).map((c) => (typeof c?.name === 'string' ? c.name : '')).filter(Boolean)
    : [];
  const pick = (aiValue: string | null | undefined, store: string): Fallback =>
    aiValue ? { value: aiValue, source: 'AI' } : store ? { value: store, source: 'store' } : { value: '', source: null };
  const storeIfNotOverridden = (overridden: unknown, feedValue: unknown, raw: string) =>
    overridden ? raw : feedValueToString(feedValue) || raw;
  return {
    manualTitle: pick(ai?.title, detail.woo.title),
    manualDescription: pick(ai?.description, stripHtml(detail.woo.description) || stripHtml(detail.woo.shortDescription)),
    manualCategory: pick(
      ai?.suggestedCategory,
      storeIfNotOverridden(m.manualCategory, item.product_category, cats.join(' > ')),
    ),
    keywords: ai?.keywords?.length ? { value: ai.keywords.join(', '), source: 'AI' as const } : { value: '', source: null },
    qAndA: ai?.qAndA?.length ? ai.qAndA.length : 0,
    field: (name: string): Fallback => {
      if (m.fields && m.fields[name] !== undefined && m.fields[name] !== null) return { value: '', source: 'store' };
      const v = feedValueToString(item[name]);
      return v ? { value: v, source: 'store' } : { value: '', source: null };
    },
  };
}

function hintFor(fb: Fallback, emptyMeaning = 'not sent'): string {
  if (fb.source && fb.value) return `Empty: uses the ${fb.source} value`;
  if (fb.source) return `Empty: uses the ${fb.source} value`;
  return `Empty: ${emptyMeaning}`;
}

function clip(s: string, n = 120): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

/** A character counter that re-renders alone as its field changes (not the whole form). */
function Count({ control, name, max }: { control: Control<ProductEditValues>; name: Path<ProductEditValues>; max: number }) {
  const value = useWatch({ control, name });
  return <CharCount value={typeof value === 'string' ? value : ''} max={max} />;
}

/** "Media (2 set)": how many overrides a collapsed group holds. */
function GroupLabel({ control, group, defs }: { control: Control<ProductEditValues>; group: string; defs: FeedFieldDef[] }) {
  const fields = useWatch({ control, name: 'fields' });
  const n = defs.filter((d) => (fields?.[d.name] ?? '').trim() !== '').length;
  return (
    <>
      {group}
      {n > 0 ? ` (${n} set)` : ''}
    </>
  );
}

export interface FocusRequest {
  field: string;
  /** Changes on every request, so the same field can be asked for twice. */
  seq: number;
}

/**
 * Manual edits of one product (react-hook-form + zod). Only changed values are sent; an emptied
 * field is sent as `null` so the product falls back to AI, then store values (shown as the
 * placeholder). Server problems land on their fields.
 */
export function ManualEditForm({
  detail,
  shopId,
  productId,
  focusRequest,
  active,
  onSaved,
}: {
  detail: ProductDetail;
  shopId: string;
  productId: string;
  focusRequest: FocusRequest | null;
  /** Whether the tab is visible (focusing waits for it). */
  active: boolean;
  onSaved?: (d: ProductDetail) => void;
}) {
  const patch = usePatchProduct(shopId, productId);
  const initial = useMemo(() => valuesFromDetail(detail), [detail]);
  const fb = useMemo(() => fallbacks(detail), [detail]);
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const [openGroups, setOpenGroups] = useState<string[]>([]);
  const {
    register,
    control,
    handleSubmit,
    setError,
    reset,
    formState: { errors, isDirty },
    // Validate on submit, then on change: validating on blur re-rendered the form in the middle of
    // the click that moves focus to a Select, which then did not open (seen in Chromium).
  } = useForm<ProductEditValues>({ resolver: zodResolver(productEditSchema), defaultValues: initial, mode: 'onSubmit', reValidateMode: 'onChange' });
  const qa = useFieldArray({ control, name: 'manualQAndA' });

  // A refetch must not wipe what the user is typing: take new server values only when clean.
  useEffect(() => {
    if (!isDirty) reset(initial);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initial, reset]);

  // Unsaved edits: the browser asks before the tab is closed or reloaded.
  useEffect(() => {
    if (!isDirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [isDirty]);

  // What to focus next: a "Fix" from the feed preview, or the first field a save was refused on.
  const [target, setTarget] = useState<FocusRequest | null>(null);
  useEffect(() => {
    if (focusRequest) setTarget(focusRequest);
  }, [focusRequest]);
  const focusField = (field: string) => setTarget((t) => ({ field, seq: (t?.seq ?? 0) + 1 }));

  // Open the field's group, then focus it once its tab and group are visible.
  useEffect(() => {
    if (!target) return;
    const g = groupOf(target.field);
    if (g) setOpenGroups((o) => (o.includes(g) ? o : [...o, g]));
  }, [target]);
  useEffect(() => {
    if (!target || !active) return;
    const g = groupOf(target.field);
    if (g && !openGroups.includes(g)) return;
    const t = setTimeout(() => {
      const name = target.field;
      let el: HTMLElement | null = document.getElementById(fieldId(name));
      if (name === 'manualQAndA') {
        el = document.querySelector<HTMLElement>(`#${fieldId('manualQAndA')} input, #${fieldId('manualQAndA')} textarea`) ??
          document.getElementById(`${fieldId('manualQAndA')}-add`);
      }
      el?.scrollIntoView?.({ block: 'center' });
      el?.focus();
    }, 0);
    return () => clearTimeout(t);
  }, [target, active, openGroups]);

  const onInvalid = (errs: FieldErrors<ProductEditValues>) => {
    const gs = errorGroups(errs);
    if (gs.length) setOpenGroups((o) => [...new Set([...o, ...gs])]);
    // A field in a collapsed group cannot take focus until the group is open.
    const fieldErrs = (errs.fields ?? {}) as Record<string, unknown>;
    const first = EDIT_FIELD_NAMES.find((n) =>
      n.startsWith('fields.') ? fieldErrs[n.slice(7)] !== undefined : (errs as Record<string, unknown>)[n] !== undefined,
    );
    if (first && groupOf(first)) focusField(first);
  };

  const onSubmit = handleSubmit((v) => {
    setFormMessage(null);
    const body = toPatch(v, initial);
    if (Object.keys(body).length === 0) {
      notifications.show({ color: 'gray', message: 'Nothing to save' });
      return;
    }
    patch.mutate(body, {
      onSuccess: (d) => {
        reset(valuesFromDetail(d));
        const n = d.validationIssues.filter((i) => i.severity === 'error').length;
        notifications.show({
          color: d.isValid || d.manual.excluded ? 'teal' : 'yellow',
          title: 'Changes saved',
          message: d.manual.excluded
            ? 'The product is excluded from the feed.'
            : d.isValid
              ? 'The feed preview is updated: the product is valid.'
              : `The feed preview is updated: ${n} error${n === 1 ? '' : 's'} left.`,
        });
        onSaved?.(d);
      },
      onError: (e) => {
        setFormMessage(applyApiError(e, setError, EDIT_FIELD_NAMES as unknown as Path<ProductEditValues>[]));
        const names = new Set<string>(EDIT_FIELD_NAMES);
        const placed = ((e as { problem?: { errors?: { field: string }[] } }).problem?.errors ?? [])
          .map((fe) => fe.field)
          .filter((f) => names.has(f));
        const gs = placed.map(groupOf).filter((g): g is FieldGroup => g !== null);
        if (gs.length) setOpenGroups((o) => [...new Set([...o, ...gs])]);
        const first = EDIT_FIELD_NAMES.find((n) => placed.includes(n));
        if (first) focusField(first);
      },
    });
  }, onInvalid);

  const textField = (
    name: 'manualTitle' | 'manualCategory',
    label: string,
    fallback: Fallback,
    max?: number,
  ) => (
    <TextInput
      id={fieldId(name)}
      label={label}
      placeholder={fallback.value ? clip(fallback.value) : undefined}
      description={
        <Group justify="space-between" gap="xs" component="span">
          <span>{hintFor(fallback)}</span>
          {max && <Count control={control} name={name} max={max} />}
        </Group>
      }
      error={errors[name]?.message}
      {...register(name)}
    />
  );

  const renderFeedField = (def: FeedFieldDef) => {
    const name = `fields.${def.name}` as const;
    const f = fb.field(def.name);
    const error = (errors.fields as Record<string, { message?: string }> | undefined)?.[def.name]?.message;
    const description = (
      <Group justify="space-between" gap="xs" component="span">
        <span>{def.hint ? `${def.hint}. ` : ''}{hintFor(f)}</span>
        {def.max && <Count control={control} name={name} max={def.max} />}
      </Group>
    );
    if (def.kind === 'enum' || def.kind === 'bool') {
      const data =
        def.kind === 'bool'
          ? [
              { value: 'true', label: 'Yes (true)' },
              { value: 'false', label: 'No (false)' },
            ]
          : (def.options ?? []).map((o) => ({ value: o, label: o.replace(/_/g, ' ') }));
      return (
        <Controller
          key={def.name}
          control={control}
          name={name}
          render={({ field }) => (
            <Select
              id={fieldId(name)}
              label={def.label}
              data={data}
              clearable
              placeholder={f.value ? clip(f.value, 40) : 'Not set'}
              description={description}
              error={error}
              value={field.value || null}
              onChange={(v) => field.onChange(v ?? '')}
              onBlur={field.onBlur}
              ref={field.ref}
            />
          )}
        />
      );
    }
    const common = {
      id: fieldId(name),
      label: def.label,
      placeholder: f.value ? clip(f.value, 80) : undefined,
      description,
      error,
      ...register(name),
    };
    return def.kind === 'json' ? <Textarea key={def.name} rows={3} resize="vertical" {...common} /> : <TextInput key={def.name} {...common} />;
  };

  const groups = FIELD_GROUPS.map((g) => ({
    group: g,
    defs: FEED_FIELDS.filter((d) => d.group === g && !(PRIMARY_FIELDS as readonly string[]).includes(d.name)),
  })).filter((g) => g.defs.length > 0);

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Manual edits">
      <Stack gap="lg">
        <Text size="sm" c="dimmed">
          Manual edits win over AI and store values in the feed. Empty a field to fall back again.
        </Text>
        <FormAlert message={formMessage} />

        <Fieldset legend="Text">
          <Stack gap="md">
            {textField('manualTitle', 'Title', fb.manualTitle, FEED_LIMITS.title)}
            <Textarea
              id={fieldId('manualDescription')}
              label="Description"
              resize="vertical"
              rows={6}

              placeholder={fb.manualDescription.value ? clip(fb.manualDescription.value, 300) : undefined}
              description={
                <Group justify="space-between" gap="xs" component="span">
                  <span>{hintFor(fb.manualDescription)}. Plain text only.</span>
                  <Count control={control} name="manualDescription" max={FEED_LIMITS.description} />
                </Group>
              }
              error={errors.manualDescription?.message}
              {...register('manualDescription')}
            />
            {textField('manualCategory', 'Category', fb.manualCategory)}
            <Controller
              control={control}
              name="manualKeywords"
              render={({ field }) => (
                <TagsInput
                  id={fieldId('manualKeywords')}
                  label="Keywords"
                  placeholder={field.value.length ? 'Add a keyword' : fb.keywords.value ? clip(fb.keywords.value, 80) : 'Type a keyword and press Enter'}
                  description={`${hintFor(fb.keywords, 'no keywords')}. Up to ${MANUAL_LIMITS.keywords}, ${field.value.length} used.`}
                  splitChars={[',']}
                  clearable
                  value={field.value}
                  onChange={field.onChange}
                  onBlur={field.onBlur}
                  ref={field.ref}
                  error={
                    errors.manualKeywords?.message ??
                    (Array.isArray(errors.manualKeywords) ? errors.manualKeywords.find(Boolean)?.message : undefined)
                  }
                />
              )}
            />
          </Stack>
        </Fieldset>

        <Fieldset legend="Questions and answers" id={fieldId('manualQAndA')}>
          <Stack gap="sm">
            <Text size="xs" c="dimmed">
              {qa.fields.length === 0
                ? fb.qAndA
                  ? `Empty: the feed uses the ${fb.qAndA} AI question${fb.qAndA === 1 ? '' : 's'}.`
                  : 'No questions: none are sent.'
                : `Up to ${MANUAL_LIMITS.qAndA} questions; ${qa.fields.length} used.`}
            </Text>
            {qa.fields.map((row, i) => {
              const e = errors.manualQAndA?.[i];
              return (
                <Group key={row.id} align="flex-start" wrap="nowrap" gap="xs">
                  <Stack gap={6} style={{ flex: 1 }}>
                    <TextInput
                      label={`Question ${i + 1}`}
                      description={<Count control={control} name={`manualQAndA.${i}.q`} max={MANUAL_LIMITS.question} />}
                      error={e?.q?.message}
                      {...register(`manualQAndA.${i}.q` as const)}
                    />
                    <Textarea
                      label={`Answer ${i + 1}`}
                      resize="vertical"
                      rows={2}
                      description={<Count control={control} name={`manualQAndA.${i}.a`} max={MANUAL_LIMITS.answer} />}
                      error={e?.a?.message}
                      {...register(`manualQAndA.${i}.a` as const)}
                    />
                  </Stack>
                  <ActionIcon variant="subtle" color="red" mt={26} aria-label={`Remove question ${i + 1}`} onClick={() => qa.remove(i)}>
                    <IconTrash size={16} />
                  </ActionIcon>
                </Group>
              );
            })}
            {(errors.manualQAndA?.message || errors.manualQAndA?.root?.message) && (
              <Text size="sm" c="red" role="alert">
                {errors.manualQAndA?.message ?? errors.manualQAndA?.root?.message}
              </Text>
            )}
            <Group>
              <Button
                id={`${fieldId('manualQAndA')}-add`}
                size="xs"
                variant="light"
                leftSection={<IconPlus size={14} />}
                disabled={qa.fields.length >= MANUAL_LIMITS.qAndA}
                onClick={() => qa.append({ q: '', a: '' })}
              >
                Add question
              </Button>
              {qa.fields.length === 0 && fb.qAndA > 0 && hasAiData(detail) && (
                <Button size="xs" variant="subtle" onClick={() => qa.replace(detail.ai.qAndA ?? [])}>
                  Start from the AI questions
                </Button>
              )}
            </Group>
          </Stack>
        </Fieldset>

        <Fieldset legend="Product identity">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {PRIMARY_FIELDS.map((n) => renderFeedField(feedFieldDef(n) as FeedFieldDef))}
          </SimpleGrid>
        </Fieldset>

        <Fieldset legend="ChatGPT">
          <Stack gap="sm">
            <Controller
              control={control}
              name="feedEnableSearch"
              render={({ field }) => (
                <Switch
                  id={fieldId('feedEnableSearch')}
                  label="Enable ChatGPT search"
                  description="The product can be shown in ChatGPT answers."
                  checked={field.value}
                  onChange={(e) => field.onChange(e.currentTarget.checked)}
                  onBlur={field.onBlur}
                  ref={field.ref}
                  error={errors.feedEnableSearch?.message}
                />
              )}
            />
            <Controller
              control={control}
              name="feedEnableCheckout"
              render={({ field }) => (
                <Switch
                  id={fieldId('feedEnableCheckout')}
                  label="Enable ChatGPT checkout"
                  description="The product can be bought inside ChatGPT (needs search, and the shop's privacy policy and terms)."
                  checked={field.value}
                  onChange={(e) => field.onChange(e.currentTarget.checked)}
                  onBlur={field.onBlur}
                  ref={field.ref}
                  error={errors.feedEnableCheckout?.message}
                />
              )}
            />
            <Controller
              control={control}
              name="excluded"
              render={({ field }) => (
                <Switch
                  id={fieldId('excluded')}
                  label="Exclude from feed"
                  description="An excluded product is not sent to ChatGPT at all."
                  color="red"
                  checked={field.value}
                  onChange={(e) => field.onChange(e.currentTarget.checked)}
                  onBlur={field.onBlur}
                  ref={field.ref}
                  error={errors.excluded?.message}
                />
              )}
            />
          </Stack>
        </Fieldset>

        <div>
          <Text fw={600} size="sm" mb={4}>
            More feed fields
          </Text>
          <Accordion multiple variant="separated" value={openGroups} onChange={setOpenGroups}>
            {groups.map(({ group, defs }) => (
              <Accordion.Item key={group} value={group}>
                <Accordion.Control>
                  <GroupLabel control={control} group={group} defs={defs} />
                </Accordion.Control>
                <Accordion.Panel>
                  <SimpleGrid cols={{ base: 1, sm: 2 }}>{defs.map(renderFeedField)}</SimpleGrid>
                </Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
        </div>

        {Object.keys(errors).length > 0 && !formMessage && (
          <Alert color="red" variant="light" role="status">
            Some values need fixing before they can be saved.
          </Alert>
        )}

        <Group
          justify="flex-end"
          gap="sm"
          py="sm"
          style={{
            position: 'sticky',
            bottom: 0,
            zIndex: 2,
            background: 'var(--mantine-color-body)',
            borderTop: '1px solid var(--mantine-color-default-border)',
          }}
        >
          {isDirty && (
            <Text size="sm" c="dimmed" mr="auto">
              Unsaved changes
            </Text>
          )}
          <Button variant="default" disabled={!isDirty || patch.isPending} onClick={() => reset(initial)}>
            Discard changes
          </Button>
          <Button type="submit" loading={patch.isPending}>
            Save changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
