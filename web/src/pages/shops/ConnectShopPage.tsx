/**
 * Connect a WooCommerce store: a four-step wizard (`/shops/new`).
 *
 * Accessible names per step (stable: the browser tests drive the wizard by them):
 *  1. Enter URL     — textbox "Store URL"; checkbox "Enter API keys by hand" (then textboxes
 *                     "Consumer key", "Consumer secret"); button "Connect store".
 *  2. Authorize     — button "Authorize on your store" (opens WooCommerce's /wc-auth/v1/authorize);
 *                     button "Back". After approval the store sends the browser to
 *                     `/shops/{id}?connected=1`, which continues here at step 3.
 *  3. Configure     — textboxes "Seller name", "Seller URL", "Privacy policy URL", "Terms of service URL",
 *                     "Return policy URL", "Return window (days)"; comboboxes "Store country",
 *                     "Target countries"; switches "Show products in ChatGPT search", "Allow checkout in
 *                     ChatGPT"; radios "Hosted URL" / "SFTP upload" / "HTTPS push" (group "Delivery
 *                     method"); combobox "Push cadence"; buttons "Continue", "Skip for now".
 *                     (Mantine labels a select's hidden listbox too: find selects by role combobox.)
 *  4. Initial sync  — progress bar "Initial sync progress"; status text; link "View products"
 *                     (once the batch is done); link "Go to the shop".
 *
 * The URL keeps steps 3 and 4 resumable: `/shops/new?shopId=…&step=configure|sync`.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import {
  Alert,
  Anchor,
  Button,
  Card,
  Checkbox,
  Collapse,
  Divider,
  Group,
  List,
  PasswordInput,
  Progress,
  Stack,
  Stepper,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconExternalLink } from '@tabler/icons-react';
import { useMediaQuery } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useSearchParams } from 'react-router';
import {
  batchPercent,
  batchSummary,
  initialSyncDone,
  useConnectShop,
  useDeliveryConfig,
  useSaveDeliveryConfig,
  useShop,
  useShopSyncStatus,
  useUpdateShop,
  type Shop,
} from '../../api/shops';
import { ErrorState } from '../../components/ErrorState';
import { FormAlert } from '../../components/FormAlert';
import { PageLoader } from '../../components/PageLoader';
import { DeliveryFields } from '../../components/shops/DeliveryFields';
import { SellerFields } from '../../components/shops/SellerFields';
import {
  CONNECT_FIELDS,
  connectSchema,
  DELIVERY_ALIASES,
  DELIVERY_FIELDS,
  deliveryInput,
  deliverySchema,
  deliveryValues,
  SELLER_ALIASES,
  SELLER_FIELDS,
  sellerPatch,
  sellerSchema,
  sellerValues,
  storedSecrets,
  type ConnectValues,
  type DeliveryValues,
  type SellerValues,
} from '../../components/shops/shopForms';
import { applyApiError } from '../../lib/formErrors';

type Step = 'url' | 'authorize' | 'configure' | 'sync';
const STEP_INDEX: Record<Step, number> = { url: 0, authorize: 1, configure: 2, sync: 3 };

/** When the connection was started, per shop: the initial sync is a batch finished after it. */
const sinceKey = (shopId: string) => `productsynch.connect.since.${shopId}`;

function rememberStart(shopId: string) {
  try {
    sessionStorage.setItem(sinceKey(shopId), String(Date.now()));
  } catch {
    // Storage unavailable (private mode): the wizard then takes the latest batch.
  }
}

function startedAt(shopId: string): number | null {
  try {
    const v = Number(sessionStorage.getItem(sinceKey(shopId)));
    return Number.isFinite(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}

export default function ConnectShopPage() {
  const [params, setParams] = useSearchParams();
  const shopId = params.get('shopId');
  const urlStep = params.get('step');
  const [auth, setAuth] = useState<{ authUrl: string; shopId: string; storeUrl: string } | null>(null);
  // The address typed last, kept when going back from Authorize.
  const [typedUrl, setTypedUrl] = useState<string | null>(null);

  let step: Step = 'url';
  if (shopId && urlStep === 'sync') step = 'sync';
  else if (shopId && urlStep === 'configure') step = 'configure';
  else if (auth) step = 'authorize';

  const goTo = (next: 'configure' | 'sync', id: string) => setParams({ shopId: id, step: next });
  // Every step shows as completed once the initial sync is done.
  const [syncDone, setSyncDone] = useState(false);
  // Phones: the steps stacked, without descriptions (read at once: no layout shift).
  const narrow = useMediaQuery('(max-width: 36em)', false, { getInitialValueInEffect: false });

  return (
    <Stack gap="lg" maw={860}>
      <div>
        <Title order={1} size="h2">
          Connect a store
        </Title>
        <Text c="dimmed">Link your WooCommerce store to publish its products in ChatGPT.</Text>
      </div>
      <Stepper
        active={step === 'sync' && syncDone ? 4 : STEP_INDEX[step]}
        size="sm"
        orientation={narrow ? 'vertical' : 'horizontal'}
        allowNextStepsSelect={false}
      >
        <Stepper.Step label="Enter URL" description={narrow ? undefined : "Your store's address"} />
        <Stepper.Step label="Authorize" description={narrow ? undefined : 'Approve on your store'} />
        <Stepper.Step label="Configure" description={narrow ? undefined : 'Seller and delivery'} />
        <Stepper.Step label="Initial sync" description={narrow ? undefined : 'Import the catalog'} />
      </Stepper>
      <Card withBorder radius="lg" padding="lg">
        {step === 'url' && (
          <UrlStep
            initialUrl={typedUrl ?? params.get('storeUrl') ?? ''}
            onAuthorize={(a) => setAuth(a)}
            onConnected={(id) => goTo('configure', id)}
          />
        )}
        {step === 'authorize' && auth && <AuthorizeStep authUrl={auth.authUrl} storeUrl={auth.storeUrl} onBack={() => {
              setTypedUrl(auth.storeUrl);
              setAuth(null);
            }} />}
        {step === 'configure' && shopId && <ConfigureStep shopId={shopId} onDone={() => goTo('sync', shopId)} />}
        {step === 'sync' && shopId && <SyncStep shopId={shopId} onFinished={setSyncDone} />}
      </Card>
    </Stack>
  );
}

// ---------------------------------------------------------------- 1. Enter URL

function UrlStep({
  initialUrl,
  onAuthorize,
  onConnected,
}: {
  initialUrl: string;
  onAuthorize: (a: { authUrl: string; shopId: string; storeUrl: string }) => void;
  onConnected: (shopId: string) => void;
}) {
  const connect = useConnectShop();
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const {
    register,
    handleSubmit,
    setError,
    watch,
    formState: { errors },
  } = useForm<ConnectValues>({
    resolver: zodResolver(connectSchema),
    defaultValues: { storeUrl: initialUrl, manual: false, consumerKey: '', consumerSecret: '' },
  });
  const manual = watch('manual');

  const onSubmit = handleSubmit((v) => {
    setFormMessage(null);
    const body = v.manual
      ? { storeUrl: v.storeUrl, consumerKey: v.consumerKey, consumerSecret: v.consumerSecret }
      : { storeUrl: v.storeUrl };
    connect.mutate(body, {
      onSuccess: (r) => {
        rememberStart(r.shopId);
        if ('authUrl' in r) onAuthorize({ authUrl: r.authUrl, shopId: r.shopId, storeUrl: v.storeUrl });
        else onConnected(r.shopId);
      },
      onError: (e) => setFormMessage(applyApiError(e, setError, CONNECT_FIELDS)),
    });
  });

  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="url-step-title">
      <Stack gap="md">
        <div>
          <Title order={2} size="h4" id="url-step-title">
            Your store's address
          </Title>
          <Text size="sm" c="dimmed">
            ProductSynch checks that the address answers as a WooCommerce store, then asks the store to let it read
            your catalog.
          </Text>
        </div>
        <FormAlert message={formMessage} />
        <TextInput
          label="Store URL"
          placeholder="https://mystore.example.com"
          type="url"
          inputMode="url"
          autoComplete="url"
          data-autofocus
          error={errors.storeUrl?.message}
          {...register('storeUrl')}
        />
        <Checkbox
          label="Enter API keys by hand"
          description="For stores where the approval page is blocked: create a Read/Write key under WooCommerce → Settings → Advanced → REST API."
          {...register('manual')}
        />
        <Collapse expanded={manual}>
          <Stack gap="md">
            <TextInput
              label="Consumer key"
              placeholder="ck_…"
              autoComplete="off"
              spellCheck={false}
              error={errors.consumerKey?.message}
              {...register('consumerKey')}
            />
            <PasswordInput
              label="Consumer secret"
              placeholder="cs_…"
              autoComplete="off"
              error={errors.consumerSecret?.message}
              {...register('consumerSecret')}
            />
          </Stack>
        </Collapse>
        <Group justify="space-between">
          <Button component={Link} to="/shops" variant="default">
            Cancel
          </Button>
          <Button type="submit" loading={connect.isPending}>
            Connect store
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

// ---------------------------------------------------------------- 2. Authorize

function AuthorizeStep({ authUrl, storeUrl, onBack }: { authUrl: string; storeUrl: string; onBack: () => void }) {
  const [leaving, setLeaving] = useState(false);
  return (
    <Stack gap="md">
      <div>
        <Title order={2} size="h4">
          Approve ProductSynch on your store
        </Title>
        <Text size="sm" c="dimmed">
          Your store ({storeUrl}) opens its WooCommerce approval page. Sign in there if asked and choose
          <b> Approve</b>. You come back here to finish the setup.
        </Text>
      </div>
      <List size="sm" spacing={4}>
        <List.Item>ProductSynch asks for Read/Write access: read products, register update webhooks.</List.Item>
        <List.Item>It never changes your products or orders.</List.Item>
        <List.Item>You can disconnect at any time from the shop's settings.</List.Item>
      </List>
      <Group justify="space-between">
        <Button variant="default" onClick={onBack}>
          Back
        </Button>
        <Button
          component="a"
          href={authUrl}
          loading={leaving}
          onClick={() => setLeaving(true)}
          rightSection={<IconExternalLink size={16} />}
        >
          Authorize on your store
        </Button>
      </Group>
    </Stack>
  );
}

// ---------------------------------------------------------------- 3. Configure

function ConfigureStep({ shopId, onDone }: { shopId: string; onDone: () => void }) {
  const shop = useShop(shopId);
  const config = useDeliveryConfig(shopId);
  if (shop.isPending || config.isPending) return <PageLoader label="Loading the shop" />;
  if (shop.isError) return <ErrorState error={shop.error} title="Could not load the shop" onRetry={() => shop.refetch()} />;
  if (config.isError)
    return <ErrorState error={config.error} title="Could not load the delivery settings" onRetry={() => config.refetch()} />;
  if (!shop.data.isConnected) return <NotAuthorized shop={shop.data} />;
  return <ConfigureForms shop={shop.data} config={config.data} onDone={onDone} />;
}

function NotAuthorized({ shop }: { shop: Shop }) {
  return (
    <Stack gap="md">
      <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="The store is not connected yet">
        {shop.connectionError ??
          'The store did not confirm the approval. If you declined on the store, or the approval took longer than an hour, start again.'}
      </Alert>
      <Group justify="flex-end">
        <Button component={Link} to={`/shops/new?storeUrl=${encodeURIComponent(shop.storeUrl)}`}>
          Start again
        </Button>
      </Group>
    </Stack>
  );
}

function ConfigureForms({
  shop,
  config,
  onDone,
}: {
  shop: Shop;
  config: Parameters<typeof deliveryValues>[0];
  onDone: () => void;
}) {
  const update = useUpdateShop(shop.id);
  const save = useSaveDeliveryConfig(shop.id);
  const stored = storedSecrets(config);
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const seller = useForm<SellerValues>({ resolver: zodResolver(sellerSchema), defaultValues: sellerValues(shop) });
  const delivery = useForm<DeliveryValues>({
    resolver: zodResolver(deliverySchema(stored)),
    defaultValues: deliveryValues(config),
  });
  const method = delivery.watch('method');

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setFormMessage(null);
    // Validate both parts first so every mistake shows at once.
    let sv: SellerValues | undefined;
    let dv: DeliveryValues | undefined;
    await seller.handleSubmit((v) => {
      sv = v;
    })();
    await delivery.handleSubmit((v) => {
      dv = v;
    })();
    if (!sv || !dv) return;
    setBusy(true);
    try {
      try {
        await update.mutateAsync(sellerPatch(sv, shop.feed));
      } catch (err) {
        setFormMessage(applyApiError(err, seller.setError, SELLER_FIELDS, SELLER_ALIASES));
        return;
      }
      try {
        await save.mutateAsync(deliveryInput(dv));
      } catch (err) {
        setFormMessage(applyApiError(err, delivery.setError, DELIVERY_FIELDS, DELIVERY_ALIASES));
        return;
      }
      onDone();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-labelledby="configure-title">
      <Stack gap="lg">
        <div>
          <Group gap="xs">
            <IconCircleCheck size={20} color="var(--mantine-color-teal-6)" aria-hidden />
            <Text size="sm" c="teal">
              {shop.shopName} is connected. Its catalog is being imported in the background.
            </Text>
          </Group>
          <Title order={2} size="h4" id="configure-title" mt="sm">
            Seller information
          </Title>
          <Text size="sm" c="dimmed">
            Shown with your products in ChatGPT. You can change all of this later in the shop's settings.
          </Text>
        </div>
        <FormAlert message={formMessage} />
        <SellerFields
          control={seller.control}
          register={seller.register}
          errors={seller.formState.errors}
          storeCountryHint={shop.storeSettings?.country}
          extraCountries={shop.feed.targetCountries}
        />
        <Divider />
        <div>
          <Title order={2} size="h4">
            Delivery to OpenAI
          </Title>
          <Text size="sm" c="dimmed">
            The hosted URL works without any setup; SFTP and HTTPS push deliver to a destination OpenAI gives you.
          </Text>
        </div>
        <DeliveryFields
          control={delivery.control}
          register={delivery.register}
          errors={delivery.formState.errors}
          method={method}
          stored={stored}
          showEnabled={false}
        />
        <Group justify="space-between">
          <Button variant="subtle" onClick={onDone}>
            Skip for now
          </Button>
          <Button type="submit" loading={busy}>
            Continue
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

// ---------------------------------------------------------------- 4. Initial sync

function SyncStep({ shopId, onFinished }: { shopId: string; onFinished: (done: boolean) => void }) {
  const [since] = useState(() => startedAt(shopId));
  const [done, setDone] = useState(false);
  // Polls until the initial batch has finished (also while the worker has not started it yet).
  const status = useShopSyncStatus(shopId, { poll: done ? false : 'always', intervalMs: 1500 });
  const finished = initialSyncDone(status.data, since);
  useEffect(() => {
    if (finished) setDone(true);
    onFinished(finished);
  }, [finished, onFinished]);

  const base = `/shops/${encodeURIComponent(shopId)}`;
  if (status.isPending) return <PageLoader label="Loading the sync status" />;
  if (status.isError && !status.data)
    return <ErrorState error={status.error} title="Could not load the sync status" onRetry={() => status.refetch()} />;

  const s = status.data;
  const current = s?.current ?? null;
  const last = s?.last ?? null;
  const failed = finished && last?.status === 'FAILED';
  const percent = finished ? 100 : batchPercent(current);
  const imported = current ? current.created + current.updated + current.unchanged : 0;

  let message: string;
  if (failed) message = 'The initial sync failed.';
  else if (finished) message = `Import finished: ${s?.productCount.toLocaleString() ?? 0} products.`;
  else if (current?.status === 'SYNCING')
    message =
      current.totalPages > 0
        ? `Importing products… page ${current.pagesDone} of ${current.totalPages} (${imported.toLocaleString()} products so far)`
        : `Importing products… ${imported.toLocaleString()} so far`;
  else message = 'Waiting for the import to start…';

  return (
    <Stack gap="md">
      <div>
        <Title order={2} size="h4">
          Initial sync
        </Title>
        <Text size="sm" c="dimmed">
          ProductSynch reads every product of the store and builds its feed. Large catalogs take a few minutes; you can
          leave this page, the import continues.
        </Text>
      </div>
      <Progress
        value={percent ?? 100}
        animated={!finished}
        striped={!finished && percent === null}
        color={failed ? 'red' : finished ? 'teal' : undefined}
        size="lg"
        aria-label="Initial sync progress"
      />
      <Text size="sm" role="status" aria-live="polite">
        {message}
      </Text>
      {finished && last && !failed && (
        <Text size="sm" c="dimmed">
          {batchSummary(last)}.
        </Text>
      )}
      {failed && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />}>
          See the{' '}
          <Anchor component={Link} to={`${base}/sync`}>
            sync page
          </Anchor>{' '}
          for the details and to try again.
        </Alert>
      )}
      <Group justify="flex-end">
        <Button component={Link} to={base} variant={finished ? 'default' : 'subtle'}>
          Go to the shop
        </Button>
        {finished && !failed && (
          <Button component={Link} to={`${base}/products`}>
            View products
          </Button>
        )}
      </Group>
    </Stack>
  );
}
