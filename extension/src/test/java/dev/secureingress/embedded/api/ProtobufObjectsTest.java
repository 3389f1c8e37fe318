package dev.secureingress.embedded.api;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reads request bodies that kubectl v1.32.4 sent (captured with {@code -v=9}), so the field numbers are checked
 * against what a real client writes, not against this project's own idea of them.
 */
class ProtobufObjectsTest {

    /** {@code kubectl create deployment web --image=mccutchen/go-httpbin --port=8080 --replicas=2}. */
    private static final String CREATE_DEPLOYMENT = """
            6b3873000a150a07617070732f7631120a4465706c6f796d656e7412ce010a1f
            0a0377656212001a0022002a003200380042005a0a0a03617070120377656212
            9c010802120c0a0a0a0361707012037765621a81010a1c0a0012001a0022002a
            003200380042005a0a0a036170701203776562126112430a0a676f2d68747470
            62696e12146d636375746368656e2f676f2d6874747062696e2a00320b0a0010
            0018903f22002a0042006a007200800100880100900100a201001a0032004200
            4a0052005800600068008201008a01009a0100c2010022020a00280038001a0c
            0800100018002000280038001a002200""";

    /** {@code kubectl create deployment zero --image=nginx --replicas=0}. */
    private static final String CREATE_DEPLOYMENT_WITHOUT_REPLICAS = """
            6b3873000a150a07617070732f7631120a4465706c6f796d656e7412af010a21
            0a047a65726f12001a0022002a003200380042005a0b0a0361707012047a6572
            6f127c0800120d0a0b0a0361707012047a65726f1a610a1d0a0012001a002200
            2a003200380042005a0b0a0361707012047a65726f124012220a056e67696e78
            12056e67696e782a0042006a007200800100880100900100a201001a00320042
            004a0052005800600068008201008a01009a0100c2010022020a00280038001a
            0c0800100018002000280038001a002200""";

    /** {@code kubectl create service clusterip websvc --tcp=80:8080}. */
    private static final String CREATE_SERVICE = """
            6b3873000a0d0a02763112075365727669636512720a250a0677656273766312
            001a0022002a003200380042005a0d0a03617070120677656273766312450a1b
            0a0738302d38303830120354435018502207080010903f1a002800120d0a0361
            707012067765627376631a002209436c757374657249503a00420052005a0060
            0068001a020a001a002200""";

    /** {@code kubectl create service clusterip named --tcp=80:http}. */
    private static final String CREATE_SERVICE_WITH_NAMED_TARGET_PORT = """
            6b3873000a0d0a02763112075365727669636512720a230a056e616d65641200
            1a0022002a003200380042005a0c0a0361707012056e616d656412470a1e0a07
            38302d6874747012035443501850220a080110001a04687474702800120c0a03
            61707012056e616d65641a002209436c757374657249503a00420052005a0060
            0068001a020a001a002200""";

    /** {@code kubectl create service nodeport np --tcp=5678:8080 --node-port=30080}. */
    private static final String CREATE_NODE_PORT_SERVICE = """
            6b3873000a0d0a027631120753657276696365126a0a1d0a026e7012001a0022
            002a003200380042005a090a0361707012026e7012450a200a09353637382d38
            303830120354435018ae2c2207080010903f1a002880eb0112090a0361707012
            026e701a0022084e6f6465506f72743a00420052005a00600068001a020a001a
            002200""";

    /** {@code kubectl create secret generic creds --from-literal=user=admin --from-literal=empty=}. */
    private static final String CREATE_SECRET = """
            6b3873000a0c0a027631120653656372657412330a150a05637265647312001a
            0022002a0032003800420012090a05656d7074791200120d0a04757365721205
            61646d696e1a001a002200""";

    /** {@code kubectl create job once --image=busybox}. */
    private static final String CREATE_JOB = """
            6b3873000a0f0a0862617463682f763112034a6f62127e0a140a046f6e636512
            001a0022002a00320038004200125c325a0a100a0012001a0022002a00320038
            004200124612230a046f6e6365120762757379626f782a0042006a0072008001
            00880100900100a201001a054e65766572320042004a00520058006000680082
            01008a01009a0100c201001a082000280030003a001a002200""";

    @Test
    void readsTheDeploymentOfKubectlCreateDeployment() {
        assertThat(read(CREATE_DEPLOYMENT)).isEqualTo(json("""
                {"apiVersion": "apps/v1", "kind": "Deployment",
                 "metadata": {"name": "web", "labels": {"app": "web"}},
                 "spec": {
                   "replicas": 2,
                   "selector": {"matchLabels": {"app": "web"}},
                   "template": {
                     "metadata": {"labels": {"app": "web"}},
                     "spec": {"containers": [{"name": "go-httpbin", "image": "mccutchen/go-httpbin",
                                              "ports": [{"containerPort": 8080}], "resources": {}}]}},
                   "strategy": {}}}"""));
    }

    @Test
    void keepsZeroReplicasBecauseKubectlSendsReplicasOnlyWhenSet() {
        Map<String, Object> spec = spec(read(CREATE_DEPLOYMENT_WITHOUT_REPLICAS));

        assertThat(spec.get("replicas")).isEqualTo(0);
        assertThat(spec).doesNotContainKeys("minReadySeconds", "paused", "revisionHistoryLimit");
    }

    @Test
    void readsTheServiceOfKubectlCreateService() {
        assertThat(read(CREATE_SERVICE)).isEqualTo(json("""
                {"apiVersion": "v1", "kind": "Service",
                 "metadata": {"name": "websvc", "labels": {"app": "websvc"}},
                 "spec": {"ports": [{"name": "80-8080", "protocol": "TCP", "port": 80, "targetPort": 8080}],
                          "selector": {"app": "websvc"}, "type": "ClusterIP"}}"""));
    }

    @Test
    void readsATargetPortNameAsAString() {
        Map<String, Object> spec = spec(read(CREATE_SERVICE_WITH_NAMED_TARGET_PORT));

        assertThat(spec.get("ports")).isEqualTo(json("""
                {"ports": [{"name": "80-http", "protocol": "TCP", "port": 80, "targetPort": "http"}]}""")
                .get("ports"));
    }

    @Test
    void readsANodePort() {
        Map<String, Object> spec = spec(read(CREATE_NODE_PORT_SERVICE));

        assertThat(spec.get("type")).isEqualTo("NodePort");
        assertThat(spec.get("ports")).isEqualTo(json("""
                {"ports": [{"name": "5678-8080", "protocol": "TCP", "port": 5678, "targetPort": 8080,
                            "nodePort": 30080}]}""").get("ports"));
    }

    @Test
    void leavesOutTheEmptyNamespaceSoTheRequestPathDecides() {
        assertThat(read(CREATE_SECRET)).isEqualTo(json("""
                {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds"},
                 "data": {"empty": "", "user": "YWRtaW4="}}"""));
    }

    @Test
    void readsQuantitiesAsStrings() {
        byte[] resources = message(8, message(1, mapEntry("cpu", message(2, string(1, "500m")))),
                message(2, mapEntry("memory", message(2, string(1, "64Mi")))));
        byte[] container = concat(string(1, "app"), string(2, "example/app:1"), resources);
        byte[] deployment = concat(message(1, string(1, "sized")),
                message(2, message(3, message(2, message(2, container)))));

        Map<String, Object> object = ProtobufObjects.read(envelope("apps/v1", "Deployment", deployment));

        assertThat(normalized(object)).isEqualTo(json("""
                {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "sized"},
                 "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "example/app:1",
                   "resources": {"limits": {"cpu": "500m"}, "requests": {"memory": "64Mi"}}}]}}}}"""));
    }

    @Test
    void refusesOtherKindsNamingTheKindAndWhatToDoInstead() {
        assertThatThrownBy(() -> read(CREATE_JOB))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("this embedded API server reads protobuf only for ConfigMap, Deployment, Namespace, "
                        + "Secret, Service and ServiceAccount, not for Job (batch/v1); send it as JSON or YAML "
                        + "(for example with kubectl apply)");
    }

    @Test
    void refusesMalformedBodies() {
        byte[] deployment = HexFormat.of().parseHex(CREATE_DEPLOYMENT.replaceAll("\\s", ""));

        assertThatThrownBy(() -> ProtobufObjects.read(Arrays.copyOf(deployment, 100)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed protobuf: truncated");
        assertThatThrownBy(() -> ProtobufObjects.read("{\"kind\":\"Deployment\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lacks the 'k8s\\0' prefix");
    }

    private static Map<String, Object> read(String hex) {
        return normalized(ProtobufObjects.read(HexFormat.of().parseHex(hex.replaceAll("\\s", ""))));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(Map<String, Object> object) {
        return (Map<String, Object>) object.get("spec");
    }

    /** Numbers as JSON parsing gives them, so that a decoded object compares equal to a JSON text. */
    private static Map<String, Object> normalized(Map<String, Object> object) {
        return ApiJson.parseObject(ApiJson.write(object));
    }

    private static Map<String, Object> json(String text) {
        return ApiJson.parseObject(text);
    }

    // protobuf wire format, for the message kubectl has no command for

    private static byte[] envelope(String apiVersion, String kind, byte[] raw) {
        return concat(new byte[] {'k', '8', 's', 0},
                message(1, string(1, apiVersion), string(2, kind)), message(2, raw));
    }

    private static byte[] mapEntry(String key, byte[] value) {
        return concat(string(1, key), value);
    }

    private static byte[] string(int field, String value) {
        return message(field, value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] message(int field, byte[]... content) {
        byte[] body = concat(content);
        return concat(varint(field << 3 | 2), varint(body.length), body);
    }

    private static byte[] varint(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((value & ~0x7FL) != 0) {
            out.write((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
