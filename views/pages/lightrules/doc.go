// Package lightrules is the admin's form for the traffic-light thresholds.
package lightrules
