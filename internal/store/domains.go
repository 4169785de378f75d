package store

import (
	"context"
	"fmt"

	"duban/internal/model"
)

// DomainsOf returns a plan's domains in order.
func (s *Store) DomainsOf(ctx context.Context, planID int64) ([]model.Domain, error) {
	var ds []model.Domain
	err := s.r(ctx).Where("plan_id = ?", planID).Order("position").Find(&ds).Error
	return ds, translate(err, "list domains")
}

// DomainOfPlan loads a domain of a plan (ErrNotFound when the plan has no
// such domain).
func (s *Store) DomainOfPlan(ctx context.Context, planID, domainID int64) (*model.Domain, error) {
	var d model.Domain
	err := s.r(ctx).Where("id = ? AND plan_id = ?", domainID, planID).First(&d).Error
	return &d, translate(err, fmt.Sprintf("domain %d of plan %d", domainID, planID))
}

// DomainByID loads a domain.
func (s *Store) DomainByID(ctx context.Context, id int64) (*model.Domain, error) {
	var d model.Domain
	err := s.r(ctx).First(&d, id).Error
	return &d, translate(err, fmt.Sprintf("domain %d", id))
}

// CreateDomain adds a domain to a plan.
func (s *Store) CreateDomain(ctx context.Context, d *model.Domain) error {
	return translate(s.w(ctx).Create(d).Error, "create domain")
}

// UpdateDomainText refreshes a domain's title, goal and source position.
func (s *Store) UpdateDomainText(ctx context.Context, id int64, title, goal string, start, end int) error {
	err := s.w(ctx).Model(&model.Domain{}).Where("id = ?", id).
		Updates(map[string]any{"title": title, "goal": goal, "source_start": start, "source_end": end}).Error
	return translate(err, "update domain")
}
