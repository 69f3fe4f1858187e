// xds-probe asks an istiod, over its plaintext gRPC port, for the config it generates for one gateway pod, and
// prints it as JSON: listeners (address, port, filter chains with their SNI, the route config an HTTP chain
// names), route configs (virtual hosts and domains) and cluster names. It speaks aggregated xDS (SotW) as an Envoy
// does: CDS, then LDS, then RDS for the routes the listeners name, ACKing every response, and stops once each
// answered (or at -timeout). istiod identifies a proxy by its node: `router~<podIP>~<pod>.<ns>~<ns>.svc.cluster.local`
// with the pod's labels and namespace in the metadata (pilot/pkg/model/context.go, ParseServiceNodeWithMetadata).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	cluster "github.com/envoyproxy/go-control-plane/envoy/config/cluster/v3"
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	listener "github.com/envoyproxy/go-control-plane/envoy/config/listener/v3"
	route "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	hcm "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	tcpproxy "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/tcp_proxy/v3"
	discovery "github.com/envoyproxy/go-control-plane/envoy/service/discovery/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/structpb"
)

const (
	clusterType  = "type.googleapis.com/envoy.config.cluster.v3.Cluster"
	listenerType = "type.googleapis.com/envoy.config.listener.v3.Listener"
	routeType    = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
)

type chain struct {
	Name        string   `json:"name,omitempty"`
	ServerNames []string `json:"serverNames,omitempty"`
	Transport   string   `json:"transportProtocol,omitempty"`
	Filters     []string `json:"filters"`
	Route       string   `json:"route,omitempty"`
	Cluster     string   `json:"cluster,omitempty"`
}

type listenerView struct {
	Name    string  `json:"name"`
	Address string  `json:"address"`
	Port    uint32  `json:"port"`
	Chains  []chain `json:"filterChains"`
}

type vhost struct {
	Name    string   `json:"name"`
	Domains []string `json:"domains"`
	Routes  int      `json:"routes"`
}

type routeView struct {
	Name         string  `json:"name"`
	VirtualHosts []vhost `json:"virtualHosts"`
}

type report struct {
	Node      string         `json:"node"`
	Listeners []listenerView `json:"listeners"`
	Routes    []routeView    `json:"routes"`
	Clusters  []string       `json:"clusters"`
	// Types that istiod answered; a missing one means the probe timed out waiting for it.
	Answered []string `json:"answered"`
}

func main() {
	addr := flag.String("addr", "", "istiod's plaintext xDS address, host:port (--grpcAddr)")
	ip := flag.String("ip", "", "the pod's IP")
	pod := flag.String("pod", "", "the pod's name")
	namespace := flag.String("namespace", "", "the pod's namespace")
	labelsJSON := flag.String("labels", "{}", "the pod's labels, as a JSON object")
	version := flag.String("istio-version", "1.29.0", "ISTIO_VERSION the proxy reports (istiod gates features on it)")
	clusterID := flag.String("cluster-id", "Kubernetes", "CLUSTER_ID (istiod's --clusterID)")
	timeout := flag.Duration("timeout", 20*time.Second, "how long to wait for every answer")
	flag.Parse()
	if *addr == "" || *ip == "" || *pod == "" || *namespace == "" {
		fail("usage: xds-probe -addr host:port -ip <podIP> -pod <name> -namespace <ns> [-labels '{...}']")
	}
	var labels map[string]string
	if err := json.Unmarshal([]byte(*labelsJSON), &labels); err != nil {
		fail("-labels is not a JSON object of strings: " + err.Error())
	}
	labelValues := map[string]any{}
	for k, v := range labels {
		labelValues[k] = v
	}
	meta, err := structpb.NewStruct(map[string]any{
		"ISTIO_VERSION": *version, "NAMESPACE": *namespace, "NAME": *pod, "CLUSTER_ID": *clusterID,
		"LABELS": labelValues, "WORKLOAD_NAME": labels["app"],
	})
	if err != nil {
		fail(err.Error())
	}
	node := &core.Node{Id: fmt.Sprintf("router~%s~%s.%s~%s.svc.cluster.local", *ip, *pod, *namespace, *namespace), Metadata: meta}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	conn, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fail("dial " + *addr + ": " + err.Error())
	}
	defer conn.Close()
	stream, err := discovery.NewAggregatedDiscoveryServiceClient(conn).StreamAggregatedResources(ctx)
	if err != nil {
		fail("stream: " + err.Error())
	}
	out := report{Node: node.Id, Listeners: []listenerView{}, Routes: []routeView{}, Clusters: []string{}, Answered: []string{}}
	send := func(typeURL string, names []string, version, nonce string) {
		if err := stream.Send(&discovery.DiscoveryRequest{Node: node, TypeUrl: typeURL, ResourceNames: names, VersionInfo: version, ResponseNonce: nonce}); err != nil {
			fail("send: " + err.Error())
		}
	}
	send(clusterType, nil, "", "")
	answered := map[string]bool{}
	var routeNames []string
	for {
		if answered[clusterType] && answered[listenerType] && (len(routeNames) == 0 || answered[routeType]) {
			break
		}
		resp, err := stream.Recv()
		if err != nil {
			print(out, answered)
			fail("receive: " + err.Error())
		}
		// The ACK: the same names, the version and nonce received (Envoy's xDS protocol).
		switch resp.TypeUrl {
		case clusterType:
			out.Clusters = []string{}
			for _, r := range resp.Resources {
				var c cluster.Cluster
				if err := r.UnmarshalTo(&c); err == nil {
					out.Clusters = append(out.Clusters, c.Name)
				}
			}
			sort.Strings(out.Clusters)
			send(clusterType, nil, resp.VersionInfo, resp.Nonce)
			if !answered[clusterType] {
				send(listenerType, nil, "", "")
			}
		case listenerType:
			out.Listeners, routeNames = listenersOf(resp)
			send(listenerType, nil, resp.VersionInfo, resp.Nonce)
			if len(routeNames) > 0 && !answered[listenerType] {
				send(routeType, routeNames, "", "")
			}
		case routeType:
			out.Routes = routesOf(resp)
			send(routeType, routeNames, resp.VersionInfo, resp.Nonce)
		default:
			send(resp.TypeUrl, nil, resp.VersionInfo, resp.Nonce)
		}
		answered[resp.TypeUrl] = true
	}
	print(out, answered)
}

func listenersOf(resp *discovery.DiscoveryResponse) ([]listenerView, []string) {
	views := []listenerView{}
	routes := map[string]bool{}
	for _, r := range resp.Resources {
		var l listener.Listener
		if err := r.UnmarshalTo(&l); err != nil {
			continue
		}
		v := listenerView{Name: l.Name, Address: l.GetAddress().GetSocketAddress().GetAddress(), Port: l.GetAddress().GetSocketAddress().GetPortValue(), Chains: []chain{}}
		for _, fc := range l.FilterChains {
			c := chain{Name: fc.Name, ServerNames: fc.GetFilterChainMatch().GetServerNames(), Transport: fc.GetFilterChainMatch().GetTransportProtocol(), Filters: []string{}}
			for _, f := range fc.Filters {
				c.Filters = append(c.Filters, f.Name)
				if tc := f.GetTypedConfig(); tc != nil {
					var h hcm.HttpConnectionManager
					if tc.MessageIs(&h) && tc.UnmarshalTo(&h) == nil {
						c.Route = h.GetRds().GetRouteConfigName()
						if c.Route != "" {
							routes[c.Route] = true
						}
					}
					var t tcpproxy.TcpProxy
					if tc.MessageIs(&t) && tc.UnmarshalTo(&t) == nil {
						c.Cluster = t.GetCluster()
					}
				}
			}
			v.Chains = append(v.Chains, c)
		}
		views = append(views, v)
	}
	sort.Slice(views, func(i, j int) bool { return views[i].Name < views[j].Name })
	names := make([]string, 0, len(routes))
	for n := range routes {
		names = append(names, n)
	}
	sort.Strings(names)
	return views, names
}

func routesOf(resp *discovery.DiscoveryResponse) []routeView {
	views := []routeView{}
	for _, r := range resp.Resources {
		var rc route.RouteConfiguration
		if err := r.UnmarshalTo(&rc); err != nil {
			continue
		}
		v := routeView{Name: rc.Name, VirtualHosts: []vhost{}}
		for _, h := range rc.VirtualHosts {
			v.VirtualHosts = append(v.VirtualHosts, vhost{Name: h.Name, Domains: h.Domains, Routes: len(h.Routes)})
		}
		views = append(views, v)
	}
	sort.Slice(views, func(i, j int) bool { return views[i].Name < views[j].Name })
	return views
}

func print(out report, answered map[string]bool) {
	out.Answered = []string{}
	for t := range answered {
		out.Answered = append(out.Answered, strings.TrimPrefix(t, "type.googleapis.com/"))
	}
	sort.Strings(out.Answered)
	b, _ := json.MarshalIndent(out, "", "  ")
	fmt.Println(string(b))
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "xds-probe: "+msg)
	os.Exit(1)
}
