// Package indicators is the indicator table page (指标监测).
package indicators
