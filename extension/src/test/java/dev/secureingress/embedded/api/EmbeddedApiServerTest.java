package dev.secureingress.embedded.api;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedApiServerTest {

    @RegisterExtension
    static final ApiServerForClass api = new ApiServerForClass();

    @Test
    void listsFilterByAnyFieldLikeKubectlDescribeAsksForEvents() {
        String pod = "pod-" + UUID.randomUUID().toString().substring(0, 8);
        for (String involved : List.of(pod, pod + "-other")) {
            api.client().v1().events().inNamespace("default").resource(new EventBuilder()
                    .withNewMetadata().withName(involved + ".event").endMetadata()
                    .withNewInvolvedObject().withKind("Pod").withName(involved).withNamespace("default").endInvolvedObject()
                    .withReason("Failed").withType("Warning").build()).create();
        }
        assertThat(api.client().v1().events().inNamespace("default")
                .withField("involvedObject.name", pod).withField("involvedObject.kind", "Pod").list().getItems())
                .extracting(event -> event.getMetadata().getName()).containsExactly(pod + ".event");
        assertThat(api.client().v1().events().inNamespace("default").withoutField("involvedObject.name", pod).list().getItems())
                .extracting(event -> event.getMetadata().getName()).contains(pod + "-other.event")
                .doesNotContain(pod + ".event");
    }

    @Test
    void listsAreInTheOrderOfTheStorageKeysNotOfCreation() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        List<String> namespaces = List.of("order-" + suffix, "order-" + suffix + "-b");
        namespaces.forEach(namespace -> api.client().namespaces().resource(new NamespaceBuilder()
                .withNewMetadata().withName(namespace).endMetadata().build()).create());
        // created out of order; etcd keeps "order-x-b/..." before "order-x/..." ('-' sorts before '/')
        for (String[] created : new String[][] {{namespaces.get(0), "zeta"}, {namespaces.get(0), "alpha"},
                {namespaces.get(1), "mid"}}) {
            api.client().configMaps().inNamespace(created[0]).resource(new ConfigMapBuilder()
                    .withNewMetadata().withName(created[1]).endMetadata().build()).create();
        }
        assertThat(api.client().configMaps().inAnyNamespace().list().getItems())
                .extracting(map -> map.getMetadata().getNamespace() + "/" + map.getMetadata().getName())
                .filteredOn(key -> key.startsWith("order-" + suffix))
                .containsExactly(namespaces.get(1) + "/kube-root-ca.crt", namespaces.get(1) + "/mid",
                        namespaces.get(0) + "/alpha", namespaces.get(0) + "/kube-root-ca.crt", namespaces.get(0) + "/zeta");
        assertThat(api.client().configMaps().inNamespace(namespaces.get(0)).list().getItems())
                .extracting(map -> map.getMetadata().getName()).containsExactly("alpha", "kube-root-ca.crt", "zeta");
    }

    @Test
    void generateNameAppendsFiveCharactersOfTheRealServersAlphabet() {
        ConfigMap first = api.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withGenerateName("generated-").endMetadata().build()).create();
        ConfigMap second = api.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withGenerateName("generated-").endMetadata().build()).create();

        assertThat(List.of(first, second)).extracting(configMap -> configMap.getMetadata().getName())
                .allSatisfy(name -> assertThat(name).matches("generated-[bcdfghjklmnpqrstvwxz2456789]{5}"))
                .doesNotHaveDuplicates();
        assertThat(api.client().configMaps().inNamespace("default").withName(first.getMetadata().getName()).get()).isNotNull();
    }

    @Test
    void theKubernetesServiceNamesThisServersPortAndItsAddressIsNeverHandedOut() {
        int port = java.net.URI.create(api.server().url()).getPort();

        Service kubernetes = api.client().services().inNamespace("default").withName("kubernetes").get();
        assertThat(kubernetes.getSpec().getClusterIP()).isEqualTo("10.96.0.1");
        assertThat(kubernetes.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(port);
        assertThat(api.client().endpoints().inNamespace("default").withName("kubernetes").get().getSubsets().get(0)
                .getPorts().get(0).getPort()).isEqualTo(port);
        Service taken = service("taken-" + UUID.randomUUID().toString().substring(0, 8), "10.96.0.1");
        assertThatThrownBy(() -> api.client().resource(taken).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, refused -> {
                    assertThat(refused.getCode()).isEqualTo(422);
                    assertThat(refused.getStatus().getMessage()).isEqualTo("Service \"" + taken.getMetadata().getName()
                            + "\" is invalid: spec.clusterIPs: Invalid value: [\"10.96.0.1\"]: failed to allocate IP"
                            + " 10.96.0.1: provided IP is already allocated");
                });
    }

    @Test
    void holdsOneReadyNodeOfItsOwnVersion() {
        Node node = api.client().nodes().withName(EmbeddedApiServer.NODE_NAME).get();

        assertThat(api.client().nodes().list().getItems()).extracting(n -> n.getMetadata().getName())
                .containsExactly(EmbeddedApiServer.NODE_NAME);
        assertThat(node.getStatus().getConditions()).anySatisfy(condition -> {
            assertThat(condition.getType()).isEqualTo("Ready");
            assertThat(condition.getStatus()).isEqualTo("True");
        });
        assertThat(node.getStatus().getNodeInfo().getKubeletVersion()).isEqualTo(api.client().getKubernetesVersion().getGitVersion());
    }

    @Test
    void servesHttpsAndVerifiesItsCertificate() {
        assertThat(api.server().url()).startsWith("https://");
        assertThat(api.client().getKubernetesVersion().getMajor()).isEqualTo("1");
    }

    @Test
    void theInProcessClientsSeeTheSameObjectsAsTheNetworkClient() {
        String name = "cm-" + UUID.randomUUID().toString().substring(0, 8);
        api.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName(name).endMetadata().addToData("seen", "over https").build()).create();

        KubernetesClient inProcess = api.server().inProcessClient();
        assertThat(inProcess.configMaps().inNamespace("default").withName(name).get().getData())
                .containsEntry("seen", "over https");
        inProcess.configMaps().inNamespace("default").withName(name)
                .edit(cm -> new ConfigMapBuilder(cm).addToData("written", "in process").build());
        assertThat(api.client().configMaps().inNamespace("default").withName(name).get().getData())
                .containsEntry("written", "in process");

        KubernetesClient another = api.server().inProcessClient();
        assertThat(another).as("each controller gets a client of its own").isNotSameAs(inProcess);
        assertThat(another.configMaps().inNamespace("default").withName(name).get().getData())
                .containsEntry("seen", "over https");
    }

    @Test
    void everyServerStartsWithTheSeedAndKeepsItsOwnObjects() {
        String name = "only-here-" + UUID.randomUUID().toString().substring(0, 8);
        try (EmbeddedApiServer second = EmbeddedApiServer.start()) {
            KubernetesClient secondClient = second.inProcessClient();
            assertThat(secondClient.apiextensions().v1().customResourceDefinitions()
                    .withName("gateways.gateway.networking.k8s.io").get()).isNotNull();
            assertThat(secondClient.namespaces().withName("istio-system").get().getMetadata().getLabels())
                    .containsEntry("kubernetes.io/metadata.name", "istio-system");

            ConfigMap created = secondClient.configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                    .withNewMetadata().withName(name).endMetadata().build()).create();

            long newest = Long.parseLong(created.getMetadata().getResourceVersion());
            assertThat(secondClient.apiextensions().v1().customResourceDefinitions().list().getItems())
                    .allSatisfy(crd -> assertThat(Long.parseLong(crd.getMetadata().getResourceVersion()))
                            .as("seeded before the new object").isLessThan(newest));
            assertThat(api.client().configMaps().inNamespace("default").withName(name).get())
                    .as("another server's object").isNull();
        }
    }

    @Test
    void everyServerHoldsSeedObjectsOfItsOwnCreatedWhenItStarted() {
        Instant beforeStart = Instant.now().truncatedTo(ChronoUnit.SECONDS); // timestamps are in whole seconds
        try (EmbeddedApiServer second = EmbeddedApiServer.start()) {
            KubernetesClient secondClient = second.inProcessClient();
            List<ObjectMeta> first = List.of(api.client().namespaces().withName("default").get().getMetadata(),
                    api.client().resources(GatewayClass.class).withName("istio").get().getMetadata(),
                    api.client().apiextensions().v1().customResourceDefinitions()
                            .withName("gateways.gateway.networking.k8s.io").get().getMetadata());
            List<ObjectMeta> own = List.of(secondClient.namespaces().withName("default").get().getMetadata(),
                    secondClient.resources(GatewayClass.class).withName("istio").get().getMetadata(),
                    secondClient.apiextensions().v1().customResourceDefinitions()
                            .withName("gateways.gateway.networking.k8s.io").get().getMetadata());

            for (int i = 0; i < own.size(); i++) {
                assertThat(own.get(i).getUid()).as("uid of %s", own.get(i).getName())
                        .isNotBlank().isNotEqualTo(first.get(i).getUid());
                assertThat(Instant.parse(own.get(i).getCreationTimestamp()))
                        .as("creationTimestamp of %s", own.get(i).getName()).isAfterOrEqualTo(beforeStart);
            }
        }
    }

    @Test
    void secondServerInTheJvmHasItsOwnPortAndTheSameTrustedCa() {
        try (EmbeddedApiServer second = EmbeddedApiServer.start()) {
            assertThat(second.url()).isNotEqualTo(api.server().url());
            assertThat(second.caCertificatePem()).isEqualTo(api.server().caCertificatePem());
            assertThat(second.client().namespaces().withName("default").get()).isNotNull();
        }
    }

    @Test
    void aStaleUpdateIsAConflictThatNamesTheObject() {
        String name = "cm-" + UUID.randomUUID().toString().substring(0, 8);
        ConfigMap created = api.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName(name).endMetadata().addToData("v", "1").build()).create();
        api.client().configMaps().inNamespace("default").withName(name).edit(cm -> {
            cm.getData().put("v", "2");
            return cm;
        });

        created.getData().put("v", "stale");
        assertThatThrownBy(() -> api.client().configMaps().inNamespace("default").resource(created).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                    assertThat(e.getStatus().getMessage()).contains("configmaps \"" + name + "\"",
                            "the object has been modified");
                });
    }

    @Test
    void mergePatchesApplyToTheLatestVersionWhileAControllerWritesTheObject() throws Exception {
        String name = "cm-" + UUID.randomUUID().toString().substring(0, 8);
        api.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName(name).endMetadata().addToData("writes", "0").build()).create();
        AtomicBoolean patching = new AtomicBoolean(true);
        Thread controller = new Thread(() -> {
            for (int write = 1; patching.get(); write++) {
                String value = String.valueOf(write);
                try {
                    api.client().configMaps().inNamespace("default").withName(name).edit(cm -> {
                        cm.getData().put("writes", value);
                        return cm;
                    });
                } catch (KubernetesClientException conflict) {
                    // the controller's own read-modify-write lost a race; it tries again
                }
            }
        });
        controller.start();
        try {
            for (int i = 0; i < 40; i++) {
                api.client().configMaps().inNamespace("default").withName(name).patch(
                        PatchContext.of(PatchType.STRATEGIC_MERGE), "{\"data\":{\"key-" + i + "\":\"v\"}}");
            }
        } finally {
            patching.set(false);
            controller.join(10_000);
        }
        assertThat(api.client().configMaps().inNamespace("default").withName(name).get().getData())
                .containsKeys("key-0", "key-20", "key-39").hasSize(41);
    }

    @Test
    void initialNamespacesCarryTheirNameLabel() {
        for (String name : EmbeddedApiServer.INITIAL_NAMESPACES) {
            Namespace namespace = api.client().namespaces().withName(name).get();
            assertThat(namespace).as(name).isNotNull();
            assertThat(namespace.getMetadata().getLabels()).containsEntry("kubernetes.io/metadata.name", name);
        }
    }

    @Test
    void everyNamespaceHoldsTheDefaultServiceAccountAsOnACluster() {
        assertThat(EmbeddedApiServer.INITIAL_NAMESPACES).contains("kube-public", "kube-node-lease");
        for (String name : EmbeddedApiServer.INITIAL_NAMESPACES) {
            assertThat(api.client().serviceAccounts().inNamespace(name).withName("default").get()).as(name).isNotNull();
        }
        String created = "ns-" + UUID.randomUUID().toString().substring(0, 8);
        api.client().resource(new NamespaceBuilder().withNewMetadata().withName(created).endMetadata().build()).create();

        assertThat(api.client().serviceAccounts().inNamespace(created).list().getItems())
                .extracting(account -> account.getMetadata().getName()).containsExactly("default");
    }

    @Test
    void podsAndPodTemplatesGetTheDefaultsARealServerWrites() {
        Pod pod = api.client().resource(new PodBuilder().withNewMetadata().withName("defaulted-" + UUID.randomUUID()
                        .toString().substring(0, 8)).withNamespace("default").endMetadata()
                .withNewSpec()
                .addNewContainer().withName("latest").withImage("mccutchen/go-httpbin").addNewPort()
                .withContainerPort(8080).endPort().endContainer()
                .addNewContainer().withName("pinned").withImage("registry.example.com:5000/app:1.2")
                .withImagePullPolicy("Never").endContainer()
                .endSpec().build()).create();
        Deployment deployment = api.client().resource(new DeploymentBuilder().withNewMetadata()
                .withName("defaulted-" + UUID.randomUUID().toString().substring(0, 8)).withNamespace("default")
                .endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "d").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "d").endMetadata().withNewSpec()
                .withServiceAccountName("httpbin")
                .addNewContainer().withName("app").withImage("docker.io/istio/examples-helloworld-v1:1.0").endContainer()
                .endSpec().endTemplate().endSpec().build()).create();

        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("default");
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Always");
        assertThat(pod.getSpec().getDnsPolicy()).isEqualTo("ClusterFirst");
        assertThat(pod.getSpec().getSchedulerName()).isEqualTo("default-scheduler");
        assertThat(pod.getSpec().getTerminationGracePeriodSeconds()).isEqualTo(30L);
        assertThat(pod.getSpec().getContainers().get(0).getImagePullPolicy()).as("no tag").isEqualTo("Always");
        assertThat(pod.getSpec().getContainers().get(0).getPorts().get(0).getProtocol()).isEqualTo("TCP");
        assertThat(pod.getSpec().getContainers().get(0).getTerminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(pod.getSpec().getContainers().get(1).getImagePullPolicy()).as("set by the client").isEqualTo("Never");
        var template = deployment.getSpec().getTemplate().getSpec();
        assertThat(template.getServiceAccountName()).as("set by the client").isEqualTo("httpbin");
        assertThat(template.getServiceAccount()).isEqualTo("httpbin");
        assertThat(template.getContainers().get(0).getImagePullPolicy()).as("tag 1.0").isEqualTo("IfNotPresent");
    }

    @Test
    void newNamespacesGetTheNameLabel() {
        String name = "ns-" + UUID.randomUUID().toString().substring(0, 8);
        api.client().resource(new NamespaceBuilder().withNewMetadata().withName(name).addToLabels("team", "a").endMetadata()
                .build()).create();
        Namespace created = api.client().namespaces().withName(name).get();
        assertThat(created.getMetadata().getLabels())
                .containsEntry("kubernetes.io/metadata.name", name)
                .containsEntry("team", "a");
    }

    @Test
    void gatewayApiCrdsAndTheIstioClassExist() {
        CustomResourceDefinition gateways = api.client().apiextensions().v1().customResourceDefinitions()
                .withName("gateways.gateway.networking.k8s.io").get();
        assertThat(gateways).isNotNull();
        assertThat(gateways.getSpec().getScope()).isEqualTo("Namespaced");
        assertThat(gateways.getSpec().getNames().getShortNames()).containsExactly("gtw");
        assertThat(api.client().apiextensions().v1().customResourceDefinitions()
                .withName("gatewayclasses.gateway.networking.k8s.io").get().getSpec().getScope()).isEqualTo("Cluster");

        GatewayClass istio = api.client().resources(GatewayClass.class).withName("istio").get();
        assertThat(istio.getSpec().getControllerName()).isEqualTo("istio.io/gateway-controller");
    }

    @Test
    void gatewayStatusIsASubresource() {
        Gateway gateway = api.client().resource(new GatewayBuilder()
                .withNewMetadata().withName("gw-" + UUID.randomUUID().toString().substring(0, 8))
                .withNamespace("istio-system").endMetadata()
                .withNewSpec().withGatewayClassName("istio").addNewListener().withName("https").withPort(443)
                .withProtocol("HTTPS").endListener().endSpec()
                .build()).create();

        gateway.setStatus(null);
        gateway.getSpec().getListeners().get(0).setPort(8443);
        Gateway withStatus = new GatewayBuilder(gateway).withNewStatus()
                .withConditions(new ConditionBuilder().withType("Programmed").withStatus("True").withReason("Programmed")
                        .withMessage("ok").withLastTransitionTime("2026-01-01T00:00:00Z").build())
                .endStatus().build();
        api.client().resource(withStatus).updateStatus();

        Gateway stored = api.client().resource(gateway).get();
        assertThat(stored.getStatus().getConditions()).extracting("type").containsExactly("Programmed");
        assertThat(stored.getSpec().getListeners().get(0).getPort())
                .as("a status update leaves the spec alone").isEqualTo(443);
    }

    @Test
    void informersSeeGatewaysComeAndGo() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        String name = "watched-" + UUID.randomUUID().toString().substring(0, 8);
        SharedIndexInformer<Gateway> informer = api.client().resources(Gateway.class).inNamespace("default")
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Gateway obj) {
                        events.add("add " + obj.getMetadata().getName());
                    }

                    @Override
                    public void onUpdate(Gateway oldObj, Gateway newObj) {
                    }

                    @Override
                    public void onDelete(Gateway obj, boolean deletedFinalStateUnknown) {
                        events.add("delete " + obj.getMetadata().getName());
                    }
                });
        try {
            Gateway gateway = api.client().resource(new GatewayBuilder()
                    .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                    .withNewSpec().withGatewayClassName("istio").addNewListener().withName("http").withPort(80)
                    .withProtocol("HTTP").endListener().endSpec().build()).create();
            assertThat(events.poll(30, TimeUnit.SECONDS)).isEqualTo("add " + name);
            api.client().resource(gateway).delete();
            assertThat(events.poll(30, TimeUnit.SECONDS)).isEqualTo("delete " + name);
        } finally {
            informer.close();
        }
    }

    @Test
    void createdObjectsHaveRandomUidsThatTheAnswerTheStoreAndTheWatchesAgreeOn() throws Exception {
        String prefix = "uid-" + UUID.randomUUID().toString().substring(0, 8);
        BlockingQueue<String> watchedUids = new LinkedBlockingQueue<>();
        try (Watch watch = api.client().configMaps().inNamespace("default").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap configMap) {
                if (action == Action.ADDED && configMap.getMetadata().getName().startsWith(prefix)) {
                    watchedUids.add(configMap.getMetadata().getUid());
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            List<String> uids = new ArrayList<>();
            for (String name : List.of(prefix + "-a", prefix + "-b")) {
                uids.add(api.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                        .withNewMetadata().withName(name).endMetadata().build()).create().getMetadata().getUid());
            }

            assertThat(uids).allSatisfy(uid -> assertThat(UUID.fromString(uid).version())
                    .as("a random (version 4) UUID, not a numbered one: " + uid).isEqualTo(4));
            assertThat(api.client().configMaps().inNamespace("default").withName(prefix + "-a").get().getMetadata().getUid())
                    .isEqualTo(uids.get(0));
            assertThat(List.of(watchedUids.poll(30, TimeUnit.SECONDS), watchedUids.poll(30, TimeUnit.SECONDS)))
                    .isEqualTo(uids);
        }
    }

    @Test
    void servicesGetAClusterIpOfTheServiceRangeThatUpdatesKeep() {
        String name = "addressed-" + UUID.randomUUID().toString().substring(0, 8);
        Service created = api.client().services().inNamespace("default").resource(service(name, null)).create();
        String clusterIp = created.getSpec().getClusterIP();

        assertThat(clusterIp).matches("10\\.(9[6-9]|10[0-9]|11[01])\\.[0-9]+\\.[0-9]+");
        assertThat(created.getSpec().getClusterIPs()).containsExactly(clusterIp);
        assertThat(api.client().services().inNamespace("default").resource(service(name + "-other", null)).create()
                .getSpec().getClusterIP()).isNotEqualTo(clusterIp);
        Service replaced = service(name, null); // as a controller writes it: the spec it wants, no cluster IP
        replaced.getMetadata().setResourceVersion(created.getMetadata().getResourceVersion());
        assertThat(api.client().resource(replaced).update().getSpec().getClusterIP()).isEqualTo(clusterIp);
        assertThat(api.client().services().inNamespace("default").withName(name).edit(
                service -> new ServiceBuilder(service).editSpec().addToSelector("tier", "web").endSpec().build())
                .getSpec().getClusterIPs()).containsExactly(clusterIp);
    }

    @Test
    void changingTheClusterIpOfAServiceIsRefusedAsInvalidByUpdatesAndEveryKindOfPatch() {
        String name = "readdressed-" + UUID.randomUUID().toString().substring(0, 8);
        Service created = api.client().services().inNamespace("default").resource(service(name, null)).create();
        String clusterIp = created.getSpec().getClusterIP();
        String other = clusterIp.endsWith(".7") ? "10.96.7.8" : "10.96.7.7";
        Service readdressed = new ServiceBuilder(created).editSpec().withClusterIP(other).endSpec().build();
        var stored = api.client().services().inNamespace("default").withName(name);
        String json = "[{\"op\":\"replace\",\"path\":\"/spec/clusterIP\",\"value\":\"" + other + "\"},"
                + "{\"op\":\"replace\",\"path\":\"/spec/clusterIPs\",\"value\":[\"" + other + "\"]}]";

        for (ThrowingCallable change : List.<ThrowingCallable>of(
                () -> api.client().resource(readdressed).update(),
                () -> stored.patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
                        "{\"spec\":{\"clusterIP\":\"" + other + "\"}}"),
                () -> stored.patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"clusterIPs\":[\"" + other + "\"]}}"),
                () -> stored.patch(PatchContext.of(PatchType.JSON), json))) {
            assertThatThrownBy(change).isInstanceOfSatisfying(KubernetesClientException.class, refused -> {
                assertThat(refused.getCode()).isEqualTo(422);
                assertThat(refused.getStatus().getReason()).isEqualTo("Invalid");
                assertThat(refused.getStatus().getMessage()).isEqualTo("Service \"" + name
                        + "\" is invalid: spec.clusterIPs[0]: Invalid value: [\"" + other + "\"]: may not change once set");
                assertThat(refused.getStatus().getDetails().getCauses()).singleElement().satisfies(cause -> {
                    assertThat(cause.getField()).isEqualTo("spec.clusterIPs[0]");
                    assertThat(cause.getReason()).isEqualTo("FieldValueInvalid");
                });
            });
        }
        assertThat(stored.get().getSpec().getClusterIPs()).containsExactly(clusterIp);
        assertThat(api.client().resource(new ServiceBuilder(stored.get()).editSpec().withClusterIP(clusterIp)
                .addToSelector("tier", "web").endSpec().build()).update().getSpec().getSelector())
                .containsEntry("tier", "web");
    }

    @Test
    void headlessServicesStayHeadlessAndExternalNamesGetNoClusterIp() {
        String name = "unaddressed-" + UUID.randomUUID().toString().substring(0, 8);
        Service headless = api.client().resource(service(name + "-headless", "None")).create();
        Service external = api.client().resource(new ServiceBuilder(service(name + "-external", null))
                .editSpec().withType("ExternalName").withExternalName("example.com").endSpec().build()).create();

        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getClusterIPs()).containsExactly("None");
        assertThat(external.getSpec().getClusterIP()).isNull();
    }

    private static Service service(String name, String clusterIp) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withClusterIP(clusterIp).addToSelector("app", name)
                .addNewPort().withPort(80).endPort().endSpec().build();
    }

    @Test
    void aWatchFromAResourceVersionBeginsAfterIt() throws Exception {
        String prefix = "watched-from-" + UUID.randomUUID().toString().substring(0, 8);
        api.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName(prefix + "-listed").endMetadata().build()).create();
        String listed = api.client().configMaps().inNamespace("default").list().getMetadata().getResourceVersion();
        api.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName(prefix + "-later").endMetadata().build()).create();
        BlockingQueue<String> events = new LinkedBlockingQueue<>();

        try (Watch watch = api.client().configMaps().inNamespace("default")
                .watch(new ListOptionsBuilder().withResourceVersion(listed).build(), new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap configMap) {
                        if (configMap.getMetadata().getName().startsWith(prefix)) {
                            events.add(action + " " + configMap.getMetadata().getName());
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                })) {
            api.client().configMaps().inNamespace("default").withName(prefix + "-listed").delete();

            assertThat(events.poll(30, TimeUnit.SECONDS)).isEqualTo("ADDED " + prefix + "-later");
            assertThat(events.poll(30, TimeUnit.SECONDS)).isEqualTo("DELETED " + prefix + "-listed");
        }
    }

    @Test
    void deletingANamespaceDeletesWhatItHeld() {
        String namespace = "deleted-" + UUID.randomUUID().toString().substring(0, 8);
        api.client().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
        api.client().configMaps().inNamespace(namespace).resource(new ConfigMapBuilder()
                .withNewMetadata().withName("settings").endMetadata().build()).create();
        api.client().resource(new GatewayBuilder().withNewMetadata().withName("gateway").withNamespace(namespace).endMetadata()
                .withNewSpec().withGatewayClassName("istio").addNewListener().withName("http").withPort(80)
                .withProtocol("HTTP").endListener().endSpec().build()).create();

        api.client().configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName(namespace).endMetadata().build()).create();

        api.client().namespaces().withName(namespace).delete();
        api.client().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();

        assertThat(api.client().configMaps().inNamespace(namespace).list().getItems())
                .as("a new namespace holds only its own kube-root-ca.crt")
                .extracting(map -> map.getMetadata().getName()).containsExactly("kube-root-ca.crt");
        assertThat(api.client().resources(Gateway.class).inNamespace(namespace).list().getItems()).isEmpty();
        assertThat(api.client().configMaps().inNamespace("default").withName(namespace).get())
                .as("other namespaces keep theirs").isNotNull();
    }

    @Test
    void listsGatewayClassesClusterWide() {
        List<GatewayClass> classes = api.client().resources(GatewayClass.class).list().getItems();
        assertThat(classes).extracting(c -> c.getMetadata().getName()).contains("istio");
    }
}
