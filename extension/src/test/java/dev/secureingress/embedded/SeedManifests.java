package dev.secureingress.embedded;

/**
 * The Gateway API manifests of the user's walk-through (the seed notes), verbatim, for tests that apply them
 * with kubectl.
 */
final class SeedManifests {

    /** Gateway {@code mygateway}: one HTTPS listener {@code https} for httpbin.example.com. */
    static final String GATEWAY_ONE_HOST = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: mygateway
              namespace: istio-system
            spec:
              gatewayClassName: istio
              listeners:
              - name: https
                hostname: "httpbin.example.com"
                port: 443
                protocol: HTTPS
                tls:
                  mode: Terminate
                  certificateRefs:
                  - name: httpbin-credential
                allowedRoutes:
                  namespaces:
                    from: Selector
                    selector:
                      matchLabels:
                        kubernetes.io/metadata.name: default
            """;

    /** {@link #GATEWAY_ONE_HOST} with the listener option of the task's mutual TLS section. */
    static final String GATEWAY_MUTUAL = GATEWAY_ONE_HOST.replace("""
                  - name: httpbin-credential
            """, """
                  - name: httpbin-credential
                  options:
                    gateway.istio.io/tls-terminate-mode: MUTUAL
            """);

    /** HTTPRoute {@code httpbin}: /status and /delay of httpbin.example.com to httpbin:8000. */
    static final String HTTPBIN_ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: httpbin
            spec:
              parentRefs:
              - name: mygateway
                namespace: istio-system
              hostnames: ["httpbin.example.com"]
              rules:
              - matches:
                - path:
                    type: PathPrefix
                    value: /status
                - path:
                    type: PathPrefix
                    value: /delay
                backendRefs:
                - name: httpbin
                  port: 8000
            """;

    /** Gateway {@code mygateway} with two HTTPS listeners on 443, one per host and secret. */
    static final String GATEWAY_TWO_HOSTS = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: mygateway
              namespace: istio-system
            spec:
              gatewayClassName: istio
              listeners:
              - name: https-httpbin
                hostname: "httpbin.example.com"
                port: 443
                protocol: HTTPS
                tls:
                  mode: Terminate
                  certificateRefs:
                  - name: httpbin-credential
                allowedRoutes:
                  namespaces:
                    from: Selector
                    selector:
                      matchLabels:
                        kubernetes.io/metadata.name: default
              - name: https-helloworld
                hostname: "helloworld.example.com"
                port: 443
                protocol: HTTPS
                tls:
                  mode: Terminate
                  certificateRefs:
                  - name: helloworld-credential
                allowedRoutes:
                  namespaces:
                    from: Selector
                    selector:
                      matchLabels:
                        kubernetes.io/metadata.name: default
            """;

    /** HTTPRoute {@code helloworld}: Exact /hello of helloworld.example.com to helloworld:5000. */
    static final String HELLOWORLD_ROUTE = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: HTTPRoute
            metadata:
              name: helloworld
            spec:
              parentRefs:
              - name: mygateway
                namespace: istio-system
              hostnames: ["helloworld.example.com"]
              rules:
              - matches:
                - path:
                    type: Exact
                    value: /hello
                backendRefs:
                - name: helloworld
                  port: 5000
            """;

    private SeedManifests() {
    }
}
