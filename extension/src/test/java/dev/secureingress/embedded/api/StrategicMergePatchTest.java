package dev.secureingress.embedded.api;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StrategicMergePatchTest {

    @Test
    void mergesContainersByNameAndReplacesOtherLists() {
        Map<String, Object> deployment = ApiJson.parseObject("""
                {"spec":{"replicas":1,"template":{"spec":{"containers":[
                  {"name":"app","image":"a:1","args":["x"],"ports":[{"containerPort":8080}]},
                  {"name":"sidecar","image":"s:1"}]}}}}""");
        Map<String, Object> patch = ApiJson.parseObject("""
                {"spec":{"replicas":2,"template":{"spec":{
                  "$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],
                  "containers":[{"name":"app","image":"a:2","args":["y"],"ports":[{"containerPort":9090}]}]}}}}""");

        String merged = ApiJson.parseObject(ApiJson.write(
                StrategicMergePatch.apply(deployment, patch))).toString();

        assertThat(merged).isEqualTo("{spec={replicas=2, template={spec={containers=["
                + "{name=sidecar, image=s:1}, "
                + "{name=app, image=a:2, args=[y], ports=[{containerPort=8080}, {containerPort=9090}]}]}}}}");
    }

    @Test
    void honoursDeleteDirectivesAndNulls() {
        Map<String, Object> service = ApiJson.parseObject("""
                {"metadata":{"labels":{"a":"1","b":"2"},"finalizers":["x","y"]},
                 "spec":{"ports":[{"port":80,"name":"http"},{"port":443,"name":"https"}]}}""");
        Map<String, Object> patch = ApiJson.parseObject("""
                {"metadata":{"labels":{"b":null},"$deleteFromPrimitiveList/finalizers":["x"]},
                 "spec":{"ports":[{"port":80,"$patch":"delete"}]}}""");

        assertThat(StrategicMergePatch.apply(service, patch).toString())
                .isEqualTo("{metadata={labels={a=1}, finalizers=[y]}, spec={ports=[{port=443, name=https}]}}");
    }

    @Test
    void replaceDirectiveReplacesAMap() {
        Map<String, Object> original = ApiJson.parseObject("{\"data\":{\"a\":\"1\",\"b\":\"2\"}}");
        Map<String, Object> patch = ApiJson.parseObject("{\"data\":{\"$patch\":\"replace\",\"c\":\"3\"}}");
        assertThat(StrategicMergePatch.apply(original, patch).toString()).isEqualTo("{data={c=3}}");
    }

    @Test
    void rejectsAnUnknownDirective() {
        Map<String, Object> patch = ApiJson.parseObject("{\"spec\":{\"$patch\":\"explode\"}}");
        assertThatThrownBy(() -> StrategicMergePatch.apply(Map.of(), patch))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("explode");
    }

    @Test
    void jsonMergePatchReplacesArrays() {
        Map<String, Object> gateway = ApiJson.parseObject(
                "{\"spec\":{\"gatewayClassName\":\"istio\",\"listeners\":[{\"name\":\"https\"}]}}");
        Map<String, Object> patch = ApiJson.parseObject(
                "{\"spec\":{\"listeners\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}");
        assertThat(JsonMergePatch.apply(gateway, patch).toString())
                .isEqualTo("{spec={gatewayClassName=istio, listeners=[{name=a}, {name=b}]}}");
    }
}
