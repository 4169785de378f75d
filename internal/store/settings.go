package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"duban/internal/model"
	"duban/internal/rules"
)

const lightRulesKey = "light_rules"

// LightRules returns the traffic-light thresholds and the measure rule
// (defaults when unset).
func (s *Store) LightRules(ctx context.Context) (rules.Settings, error) {
	var row model.Setting
	err := s.r(ctx).Where("key = ?", lightRulesKey).First(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return rules.DefaultSettings, nil
	}
	if err != nil {
		return rules.DefaultSettings, translate(err, "light rules")
	}
	r := rules.DefaultSettings
	if err := json.Unmarshal([]byte(row.Value), &r); err != nil {
		return rules.DefaultSettings, fmt.Errorf("light rules: %w", err)
	}
	return r.Normalized(), nil
}

// SetLightRules stores new thresholds, audited.
func (s *Store) SetLightRules(ctx context.Context, a Actor, r rules.Settings) error {
	old, err := s.LightRules(ctx)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(r)
	return s.WithTx(ctx, func(ctx context.Context) error {
		tx := s.w(ctx)
		// Update, else insert: not an UPSERT, whose conflict policy SQLite
		// hands down to the read model's triggers on settings (their
		// INSERT OR IGNORE into the dirty list would fail instead).
		row := model.Setting{Key: lightRulesKey, Value: string(b), UpdatedAt: s.clock.Now().UTC()}
		res := tx.Model(&model.Setting{}).Where("key = ?", lightRulesKey).Updates(map[string]any{"value": row.Value, "updated_at": row.UpdatedAt})
		if res.Error == nil && res.RowsAffected == 0 {
			res = tx.Create(&row)
		}
		if res.Error != nil {
			return translate(res.Error, "save light rules")
		}
		return s.Audit(ctx, a, AuditEntry{Action: "settings.light_rules", ObjectType: "setting", Old: old, New: r})
	})
}
